// Storage figures on in-process Azurite: analysis writes (row + 3 index rows), newest-first pages, a 500-metric judgement.
import { startAzurite } from "../src/app/azurite";
import type { AnalysisRecord } from "../src/analysis/ports/store";
import { parseStorageSettings } from "../src/store/storage-settings";
import { createAzureStores } from "../src/app/stores";

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

function record(i: number): AnalysisRecord {
  const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    id: `B${String(i).padStart(5, "0")}`,
    application: i % 3 === 0 ? "checkout" : "search",
    state: i % 4 === 0 ? "failed" : "passed",
    judge: "NetflixACAJudge-v1.0",
    createdAt,
    updatedAt: createdAt,
    requestRef: `analyses/B${i}/request.json`,
  };
}

export async function run(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const stores = createAzureStores(parseStorageSettings(azurite.connectionString, { prefix: "bench" }));
    await stores.analyses.putAnalysis(record(-1)); // creates the tables
    const n = 300;
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, k) => stores.analyses.putAnalysis(record(i + k))));
    const putMs = ms(t);
    console.log(
      `putAnalysis: ${n} in ${putMs.toFixed(0)} ms (${(putMs / n).toFixed(1)} ms each, 10 concurrent)`,
    );

    t = process.hrtime.bigint();
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await stores.analyses.listAnalyses({
        limit: 50,
        ...(token ? { continuationToken: token } : {}),
      });
      token = page.continuationToken;
      pages += 1;
    } while (token);
    const listMs = ms(t);
    console.log(
      `listAnalyses: ${pages} pages of 50 in ${listMs.toFixed(0)} ms (${(listMs / pages).toFixed(1)} ms/page)`,
    );

    t = process.hrtime.bigint();
    const filtered = await stores.analyses.listAnalyses({
      application: "checkout",
      state: "failed",
      limit: 20,
    });
    console.log(`listAnalyses application+state: ${filtered.items.length} rows in ${ms(t).toFixed(1)} ms`);

    t = process.hrtime.bigint();
    for (let i = 0; i < 50; i++) await stores.analyses.getAnalysis(record(i).id);
    console.log(`getAnalysis by id only (index + row): ${(ms(t) / 50).toFixed(1)} ms each`);

    const judgement = {
      results: Array.from({ length: 500 }, (_, i) => ({
        name: `metric-${i}`,
        classification: "Pass",
        resultMetadata: {
          ratio: 1.01,
          pValue: 0.4,
          confidenceInterval: { lower: -0.1, upper: 0.1, level: 0.95 },
        },
        controlMetadata: { stats: { count: 60, mean: 1, min: 0, max: 2, std: 0.3 } },
        experimentMetadata: { stats: { count: 60, mean: 1, min: 0, max: 2, std: 0.3 } },
      })),
    };
    const size = JSON.stringify(judgement).length;
    t = process.hrtime.bigint();
    for (let i = 0; i < 10; i++)
      await stores.artifacts.putJson(`analyses/J/s0/i${i}/judgement.json`, judgement);
    const putJ = ms(t) / 10;
    t = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) await stores.artifacts.getJson(`analyses/J/s0/i${i}/judgement.json`);
    const getJ = ms(t) / 10;
    console.log(
      `500-metric judgement (${(size / 1024).toFixed(0)} KiB): put ${putJ.toFixed(1)} ms, get ${getJ.toFixed(1)} ms`,
    );
  } finally {
    await azurite.stop();
  }
}
