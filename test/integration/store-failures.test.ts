// Storage failures: a private Azurite stopped mid-test, and a connection cut mid-burst, surface as typed errors;
// no write that failed is reported as success, and every write reported as success is there.
import { createServer, Socket, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "../../src/app/azurite";
import { StoreUnavailableError } from "../../src/store/errors";
import { artifactPaths, type AnalysisRecord } from "../../src/analysis/ports/store";
import { resetCreatedStorage } from "../../src/store/storage-clients";
import { parseStorageSettings } from "../../src/store/storage-settings";
import { createAzureStores } from "../../src/app/stores";
import type { CanaryConfig } from "../../src/config/canary-config.schema";

const record = (id: string): AnalysisRecord => ({
  id,
  application: "checkout",
  state: "running",
  judge: "NetflixACAJudge-v1.0",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  requestRef: artifactPaths.request(id),
});

const noRetry = { maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 10, tryTimeoutInMs: 5_000 };

/** A TCP proxy to one port that can drop every connection and refuse new ones, then let them through again. */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("storage failures", () => {
  let azurite: AzuriteInstance;

  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite.stop();
    resetCreatedStorage();
  });

  it("every write reported as success during a connection cut is stored; the others fail with typed errors", async () => {
    const tableUrl = new URL(azurite.tableEndpoint);
    const blobUrl = new URL(azurite.blobEndpoint);
    const tableProxy = new CuttableProxy({ host: tableUrl.hostname, port: Number(tableUrl.port) });
    const blobProxy = new CuttableProxy({ host: blobUrl.hostname, port: Number(blobUrl.port) });
    await tableProxy.start();
    await blobProxy.start();
    try {
      const connection = azurite.connectionString
        .replace(azurite.tableEndpoint, `http://127.0.0.1:${tableProxy.port}/devstoreaccount1`)
        .replace(azurite.blobEndpoint, `http://127.0.0.1:${blobProxy.port}/devstoreaccount1`);
      const viaProxy = createAzureStores(parseStorageSettings(connection, { prefix: "cut", retry: noRetry }));
      const direct = createAzureStores(parseStorageSettings(azurite.connectionString, { prefix: "cut" }));

      await viaProxy.analyses.putAnalysis(record("WARMUP"));
      await viaProxy.artifacts.putJson("analyses/WARMUP/request.json", {});
      const ids = Array.from({ length: 40 }, (_, i) => `CUT${String(i).padStart(2, "0")}`);
      const writes = ids.map(async (id, i) => {
        // Stagger so some writes finish before the cut, some are in flight, some start after it.
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        await viaProxy.analyses.putAnalysis(record(id));
        await viaProxy.artifacts.putJson(artifactPaths.result(id), { id });
      });
      await new Promise((resolve) => setTimeout(resolve, 40));
      tableProxy.cut();
      blobProxy.cut();
      const outcomes = await Promise.allSettled(writes);

      const succeeded = ids.filter((_, i) => outcomes[i]?.status === "fulfilled");
      const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailableError);
      for (const id of succeeded) {
        expect(await direct.analyses.getAnalysis(id, "checkout")).toEqual(record(id));
        expect(await direct.artifacts.getJson(artifactPaths.result(id))).toEqual({ id });
      }

      tableProxy.restore();
      blobProxy.restore();
      // After the cut, the same writes (an activity retried) go through and are idempotent.
      for (const id of ids) {
        await viaProxy.analyses.putAnalysis(record(id));
        await viaProxy.artifacts.putJson(artifactPaths.result(id), { id });
      }
      const listed = await direct.analyses.listAnalyses({ application: "checkout", limit: 1000 });
      expect(listed.items.map((r) => r.id).sort()).toEqual(["WARMUP", ...ids].sort());
    } finally {
      await tableProxy.stop();
      await blobProxy.stop();
    }
  });

  it("Azurite stopped mid-test: reads and writes of every store reject with StoreUnavailableError", async () => {
    const own = await startAzurite();
    const stores = createAzureStores(
      parseStorageSettings(own.connectionString, { prefix: "stop", retry: noRetry }),
    );
    const config = { metrics: [] } as unknown as CanaryConfig;
    await stores.analyses.putAnalysis(record("BEFORE"));
    await stores.artifacts.putJson("analyses/BEFORE/request.json", { ok: true });
    const stored = await stores.configs.put("checkout", "default", config);
    expect(await stores.analyses.getAnalysis("BEFORE")).toEqual(record("BEFORE"));

    await own.stop();

    const attempts: [string, Promise<unknown>][] = [
      ["putAnalysis", stores.analyses.putAnalysis(record("AFTER"))],
      ["updateAnalysis", stores.analyses.updateAnalysis("checkout", "BEFORE", { state: "failed" })],
      ["getAnalysis", stores.analyses.getAnalysis("BEFORE")],
      ["listAnalyses", stores.analyses.listAnalyses({})],
      [
        "putInterval",
        stores.analyses.putInterval({
          analysisId: "BEFORE",
          stage: 0,
          interval: 0,
          start: "2026-01-01T00:00:00.000Z",
          end: "2026-01-01T00:01:00.000Z",
          score: 100,
          classification: "Pass",
          counts: { Pass: 1 },
          failedMetrics: [],
          pairsRef: artifactPaths.pairs("BEFORE", 0, 0),
          judgementRef: artifactPaths.judgement("BEFORE", 0, 0),
        }),
      ],
      ["deleteAnalysis", stores.analyses.deleteAnalysis("checkout", "BEFORE")],
      ["putJson", stores.artifacts.putJson("analyses/AFTER/request.json", {})],
      ["getJson", stores.artifacts.getJson("analyses/BEFORE/request.json")],
      ["deletePrefix", stores.artifacts.deletePrefix("analyses/BEFORE/")],
      ["config put", stores.configs.put("checkout", "default", config, stored.etag)],
      ["config get", stores.configs.get("checkout", "default")],
      ["config delete", stores.configs.delete("checkout", "default")],
      ["config list", stores.configs.list()],
    ];
    const results = await Promise.allSettled(attempts.map(([, p]) => p));
    const summary = attempts.map(([name], i) => {
      const r = results[i];
      return [name, r?.status === "rejected" ? (r.reason as Error).name : "fulfilled"];
    });
    expect(summary).toEqual(attempts.map(([name]) => [name, "StoreUnavailableError"]));
    const first = results[0];
    expect(first?.status === "rejected" ? (first.reason as Error).message : "").toMatch(
      /^reading analysis checkout\/AFTER: storage unreachable \(ECONN(REFUSED|RESET)\)/,
    );
  });
});
