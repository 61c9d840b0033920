// One contract for the storage ports, run against the Azurite-backed adapters and the in-memory fakes.
import { describe, expect, it } from "vitest";
import type { AnalysisState } from "../../src/analysis/analysis-status";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import {
  ConflictError,
  EntityTooLargeError,
  InvalidContinuationTokenError,
  InvalidKeyError,
  NotFoundError,
} from "../../src/store/errors";
import { artifactPaths, type AnalysisRecord, type IntervalRecord } from "../../src/analysis/ports/store";
import { MAX_STRING_COLUMN } from "../../src/store/analysis-entities";
import { purgeAnalyses } from "../../src/store/retention";
import { parseStorageSettings } from "../../src/store/storage-settings";
import { createAzureStores, createMemoryStores, type Stores } from "../../src/app/stores";
import { azuriteConnectionString, uniqueStoragePrefix } from "../helpers/azurite";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function analysis(id: string, overrides: Partial<AnalysisRecord> = {}): AnalysisRecord {
  return {
    id,
    application: "checkout",
    state: "running",
    judge: "NetflixACAJudge-v1.0",
    createdAt: at(0),
    updatedAt: at(0),
    requestRef: artifactPaths.request(id),
    ...overrides,
  };
}

function interval(analysisId: string, stage: number, index: number): IntervalRecord {
  return {
    analysisId,
    stage,
    interval: index,
    start: at(index * 60),
    end: at(index * 60 + 60),
    score: 87.5,
    classification: "Marginal",
    counts: { Pass: 7, High: 1 },
    failedMetrics: ["p95 latency"],
    pairsRef: artifactPaths.pairs(analysisId, stage, index),
    judgementRef: artifactPaths.judgement(analysisId, stage, index),
  };
}

const config = (description: string): CanaryConfig =>
  ({
    name: "checkout-canary",
    description,
    metrics: [
      {
        name: "p95 latency",
        query: { type: "prometheus", metricName: "http_request_duration_seconds" },
        analysisConfigurations: { canary: { direction: "increase" } },
      },
    ],
    classifier: { groupWeights: { latency: 100 } },
  }) as unknown as CanaryConfig;

/** A judgement the size of a 500-metric canary config (Kayenta CanaryJudgeResult shape). */
function bigJudgement(): Record<string, unknown> {
  return {
    judgeName: "NetflixACAJudge-v1.0",
    results: Array.from({ length: 500 }, (_, i) => ({
      name: `metric-${String(i).padStart(3, "0")} request latency by route`,
      id: `m${i}`,
      classification: i % 17 === 0 ? "High" : "Pass",
      classificationReason: i % 17 === 0 ? "The metric was classified as High" : "",
      groups: [`group-${i % 5}`],
      experimentMetadata: { stats: { count: 60, mean: 0.1 + i / 1000, min: 0.01, max: 0.9, std: 0.05 } },
      controlMetadata: { stats: { count: 60, mean: 0.1, min: 0.01, max: 0.8, std: 0.04 } },
      resultMetadata: {
        ratio: 1 + i / 10000,
        pValue: 0.5 - i / 2000,
        confidenceInterval: { lower: -0.01, upper: 0.02, level: 0.95 },
      },
    })),
    groupScores: Array.from({ length: 5 }, (_, g) => ({
      name: `group-${g}`,
      score: 90,
      classification: "Pass",
    })),
    score: { score: 94.12, classification: "Pass", classificationReason: "" },
  };
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

function storeContract(kind: string, makeStores: () => Stores): void {
  describe(`storage contract: ${kind}`, () => {
    it("round-trips an analysis, finds it without its application, and merges updates", async () => {
      const { analyses } = makeStores();
      const record = analysis("01JA", {
        extra: { callback: { url: "https://ci.example/hook" } },
        stageName: "10%",
      });
      await analyses.putAnalysis(record);
      expect(await analyses.getAnalysis("01JA", "checkout")).toEqual(record);
      expect(await analyses.getAnalysis("01JA")).toEqual(record);
      expect(await analyses.getAnalysis("01JA", "other-app")).toBeUndefined();
      expect(await analyses.getAnalysis("nope")).toBeUndefined();

      const updated = await analyses.updateAnalysis("checkout", "01JA", {
        state: "failed",
        verdict: "fail",
        score: 42.5,
        reason: "p95 latency was classified as High",
        updatedAt: at(600),
        resultRef: artifactPaths.result("01JA"),
      });
      expect(updated).toEqual({
        ...record,
        state: "failed",
        verdict: "fail",
        score: 42.5,
        reason: "p95 latency was classified as High",
        updatedAt: at(600),
        resultRef: "analyses/01JA/result.json",
      });
      expect(await analyses.getAnalysis("01JA")).toEqual(updated);
      const listed = await analyses.listAnalyses({ application: "checkout" });
      expect(listed.items).toEqual([updated]);
      expect((await analyses.listAnalyses({ state: "failed" })).items).toEqual([updated]);
      expect((await analyses.listAnalyses({ state: "running" })).items).toEqual([]);
    });

    it("refuses to update an analysis that does not exist", async () => {
      const { analyses } = makeStores();
      await expect(
        analyses.updateAnalysis("checkout", "missing", { state: "failed" }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("writes the same rows and blobs when an activity runs twice", async () => {
      const { analyses, artifacts } = makeStores();
      const record = analysis("01JB");
      await analyses.putAnalysis(record);
      await analyses.putAnalysis(record);
      await analyses.putInterval(interval("01JB", 0, 1));
      await analyses.putInterval(interval("01JB", 0, 1));
      await artifacts.putJson(artifactPaths.pairs("01JB", 0, 1), { pairs: [1] });
      await artifacts.putJson(artifactPaths.pairs("01JB", 0, 1), { pairs: [1] });
      expect((await analyses.listAnalyses({})).items).toEqual([record]);
      expect(await analyses.listIntervals("01JB")).toEqual([interval("01JB", 0, 1)]);
      expect(await artifacts.list("analyses/01JB/")).toEqual(["analyses/01JB/s0/i1/pairs.json"]);
    });

    it("lists intervals in stage and interval order", async () => {
      const { analyses } = makeStores();
      await analyses.putAnalysis(analysis("01JC"));
      for (const [s, i] of [
        [1, 0],
        [0, 10],
        [0, 2],
      ] as const)
        await analyses.putInterval(interval("01JC", s, i));
      const rows = await analyses.listIntervals("01JC");
      expect(rows.map((r) => [r.stage, r.interval])).toEqual([
        [0, 2],
        [0, 10],
        [1, 0],
      ]);
      expect(rows[0]).toEqual(interval("01JC", 0, 2));
      expect(await analyses.listIntervals("nothing-here")).toEqual([]);
    });

    it("keeps the metrics a judge has not decided yet with the interval", async () => {
      const { analyses } = makeStores();
      await analyses.putAnalysis(analysis("01JU"));
      const row = { ...interval("01JU", 0, 0), undecidedMetrics: ["cpu", "p99 latency"] };
      await analyses.putInterval(row);
      expect(await analyses.listIntervals("01JU")).toEqual([row]);
    });

    it("pages through 250 analyses newest first with continuation tokens", { timeout: 120_000 }, async () => {
      const { analyses } = makeStores();
      const states: AnalysisState[] = ["running", "passed", "failed", "error", "canceled"];
      const records = Array.from({ length: 250 }, (_, i) =>
        analysis(`A${String(i).padStart(4, "0")}`, {
          application: i % 2 === 0 ? "checkout" : "search",
          state: states[i % states.length] ?? "running",
          createdAt: at(i * 10),
          updatedAt: at(i * 10),
        }),
      );
      // Written in a scrambled order: listing order must come from createdAt, not from write order.
      const scrambled = records.map((r, i) => ({ r, k: (i * 97) % 250 })).sort((a, b) => a.k - b.k);
      await inBatches(scrambled, 25, ({ r }) => analyses.putAnalysis(r));

      const newestFirst = [...records].reverse().map((r) => r.id);
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let token: string | undefined;
      do {
        const page = await analyses.listAnalyses({
          limit: 100,
          ...(token ? { continuationToken: token } : {}),
        });
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((r) => r.id));
        token = page.continuationToken;
      } while (token !== undefined);
      expect(pageSizes).toEqual([100, 100, 50]);
      expect(seen).toEqual(newestFirst);

      // By application and state, paged 7 at a time.
      const expected = [...records]
        .reverse()
        .filter((r) => r.application === "search" && r.state === "failed")
        .map((r) => r.id);
      const filtered: string[] = [];
      token = undefined;
      let pages = 0;
      do {
        const page = await analyses.listAnalyses({
          application: "search",
          state: "failed",
          limit: 7,
          ...(token ? { continuationToken: token } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(7);
        filtered.push(...page.items.map((r) => r.id));
        token = page.continuationToken;
        pages += 1;
      } while (token !== undefined);
      expect(expected).toHaveLength(25);
      expect(filtered).toEqual(expected);
      expect(pages).toBe(4);

      // Created before the 100th analysis (i < 100), newest first.
      const old = await analyses.listAnalyses({ createdBefore: at(1000), limit: 1000 });
      expect(old.items.map((r) => r.id)).toEqual(newestFirst.slice(150));

      const first = await analyses.listAnalyses({ application: "checkout", limit: 5 });
      expect(first.continuationToken).toBeDefined();
      await expect(
        analyses.listAnalyses({ application: "search", continuationToken: first.continuationToken ?? "" }),
      ).rejects.toBeInstanceOf(InvalidContinuationTokenError);
      await expect(analyses.listAnalyses({ continuationToken: "not a token" })).rejects.toBeInstanceOf(
        InvalidContinuationTokenError,
      );
    });

    it("stores a 500-metric judgement in Blob and reads it back", async () => {
      const { analyses, artifacts } = makeStores();
      const judgement = bigJudgement();
      const row = {
        ...interval("01JD", 0, 0),
        // ~36,000 characters of names: more than one Table column holds.
        failedMetrics: Array.from(
          { length: 500 },
          (_, i) =>
            `metric-${String(i).padStart(3, "0")} p99 request latency by route, region and availability zone`,
        ),
      };
      await analyses.putAnalysis(analysis("01JD"));
      await artifacts.putJson(row.judgementRef, judgement);
      await analyses.putInterval(row);
      const [stored] = await analyses.listIntervals("01JD");
      expect(stored).toEqual(row);
      expect(await artifacts.getJson(stored?.judgementRef ?? "")).toEqual(judgement);
      expect(JSON.stringify(judgement).length).toBeGreaterThan(200_000);
      expect(JSON.stringify(row.failedMetrics).length).toBeGreaterThan(MAX_STRING_COLUMN);
    });

    it("rejects oversized columns with a typed error and writes nothing", async () => {
      const { analyses } = makeStores();
      const record = analysis("01JE", { extra: { blob: "x".repeat(40_000) } });
      const error = await analyses.putAnalysis(record).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EntityTooLargeError);
      expect((error as Error).message).toMatchInlineSnapshot(
        `"analysis 01JE: extra is 40011 characters; a Table column holds at most 32000. Store it in Blob and keep the reference"`,
      );
      expect(await analyses.getAnalysis("01JE")).toBeUndefined();
      await expect(analyses.putAnalysis(analysis("bad/id"))).rejects.toBeInstanceOf(InvalidKeyError);
      const huge = {
        ...interval("01JE", 0, 0),
        failedMetrics: Array.from({ length: 3000 }, (_, i) => `m${i}`.padEnd(100, "x")),
      };
      await expect(analyses.putInterval(huge)).rejects.toBeInstanceOf(EntityTooLargeError);
      expect(await analyses.listIntervals("01JE")).toEqual([]);
    });

    it("keeps text and JSON artifacts, lists and deletes by prefix", async () => {
      const { artifacts } = makeStores();
      expect(await artifacts.getJson("analyses/x/result.json")).toBeUndefined();
      expect(await artifacts.getText("analyses/x/report.html")).toBeUndefined();
      await artifacts.putText("analyses/x/report.html", "<h1>ünïcödé</h1>", "text/html; charset=utf-8");
      await artifacts.putJson("analyses/x/result.json", { ok: true, n: [1, 2] });
      await artifacts.putJson("analyses/xy/result.json", { other: true });
      expect(await artifacts.getText("analyses/x/report.html")).toBe("<h1>ünïcödé</h1>");
      expect(await artifacts.getJson("analyses/x/result.json")).toEqual({ ok: true, n: [1, 2] });
      expect(await artifacts.list("analyses/x/")).toEqual([
        "analyses/x/report.html",
        "analyses/x/result.json",
      ]);
      expect(await artifacts.deletePrefix("analyses/x/")).toBe(2);
      expect(await artifacts.deletePrefix("analyses/x/")).toBe(0);
      expect(await artifacts.list("analyses/")).toEqual(["analyses/xy/result.json"]);
    });

    it("versions canary configs and refuses stale ETags", async () => {
      const { configs } = makeStores();
      expect(await configs.get("checkout", "default")).toBeUndefined();
      const v1 = await configs.put("checkout", "default", config("first"));
      expect(v1).toMatchObject({
        application: "checkout",
        name: "default",
        version: 1,
        config: config("first"),
      });
      expect(v1.etag).not.toBe("");
      expect(await configs.get("checkout", "default")).toEqual(v1);

      const v2 = await configs.put("checkout", "default", config("second"), v1.etag);
      expect(v2.version).toBe(2);
      expect(v2.etag).not.toBe(v1.etag);
      const stale = await configs
        .put("checkout", "default", config("lost"), v1.etag)
        .catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ConflictError);
      expect((await configs.get("checkout", "default"))?.config).toEqual(config("second"));
      await expect(configs.put("checkout", "absent", config("x"), v2.etag)).rejects.toBeInstanceOf(
        ConflictError,
      );

      const v3 = await configs.put("checkout", "default", config("third"));
      expect(v3.version).toBe(3);
      await configs.put("search", "default", config("search"), "*");
      expect(await configs.list()).toEqual([
        { application: "checkout", name: "default", version: 3, etag: v3.etag, updatedAt: v3.updatedAt },
        expect.objectContaining({ application: "search", name: "default", version: 1 }),
      ]);
      expect((await configs.list("search")).map((c) => c.application)).toEqual(["search"]);

      await expect(configs.delete("checkout", "default", v2.etag)).rejects.toBeInstanceOf(ConflictError);
      expect(await configs.delete("checkout", "default", v3.etag)).toBe(true);
      expect(await configs.get("checkout", "default")).toBeUndefined();
      expect(await configs.delete("checkout", "default")).toBe(false);
    });

    it("purges old analyses with their rows, blobs and history, and nothing else", async () => {
      const stores = makeStores();
      const { analyses, artifacts } = stores;
      const make = async (id: string, createdAt: string, state: AnalysisState) => {
        await analyses.putAnalysis(analysis(id, { createdAt, updatedAt: createdAt, state }));
        await analyses.putInterval(interval(id, 0, 0));
        await analyses.putInterval(interval(id, 0, 1));
        await artifacts.putJson(artifactPaths.request(id), { id });
        await artifacts.putJson(artifactPaths.judgement(id, 0, 0), { id });
        await artifacts.putJson(artifactPaths.result(id), { id });
      };
      await make("OLD1", at(0), "passed");
      await make("OLD2", at(10), "failed");
      await make("OLDRUN", at(20), "running");
      await make("NEW1", at(5000), "passed");
      const purged: string[] = [];
      const purgeHistory = async (id: string) => {
        purged.push(id);
      };

      const dry = await purgeAnalyses({ olderThan: new Date(at(1000)), stores, purgeHistory, dryRun: true });
      expect(dry).toEqual({
        analyses: 2,
        intervals: 4,
        blobs: 6,
        histories: 2,
        skippedActive: 1,
        failures: [],
        dryRun: true,
      });
      expect(purged).toEqual([]);
      expect(await analyses.getAnalysis("OLD1")).toBeDefined();

      const done = await purgeAnalyses({ olderThan: new Date(at(1000)), stores, purgeHistory, pageSize: 1 });
      expect(done).toEqual({ ...dry, dryRun: false });
      expect(purged.sort()).toEqual(["OLD1", "OLD2"]);
      for (const id of ["OLD1", "OLD2"]) {
        expect(await analyses.getAnalysis(id)).toBeUndefined();
        expect(await analyses.listIntervals(id)).toEqual([]);
        expect(await artifacts.list(artifactPaths.analysisPrefix(id))).toEqual([]);
      }
      expect((await analyses.listAnalyses({})).items.map((r) => r.id)).toEqual(["NEW1", "OLDRUN"]);
      expect(await analyses.listIntervals("NEW1")).toHaveLength(2);
      expect(await artifacts.list(artifactPaths.analysisPrefix("NEW1"))).toHaveLength(3);

      const again = await purgeAnalyses({ olderThan: new Date(at(1000)), stores, purgeHistory });
      expect(again.analyses).toBe(0);
    });

    it("reports a failed history purge and keeps that analysis for the next run", async () => {
      const stores = makeStores();
      await stores.analyses.putAnalysis(analysis("STUCK", { state: "passed" }));
      const result = await purgeAnalyses({
        olderThan: new Date(at(1000)),
        stores,
        purgeHistory: async () => {
          throw new Error("task hub unavailable");
        },
      });
      expect(result.analyses).toBe(0);
      expect(result.failures.map((f) => [f.id, f.error.message])).toEqual([
        ["STUCK", "task hub unavailable"],
      ]);
      expect(await stores.analyses.getAnalysis("STUCK")).toBeDefined();
    });
  });
}

storeContract("Azure Table + Blob on Azurite", () =>
  createAzureStores(
    parseStorageSettings(azuriteConnectionString(), {
      prefix: uniqueStoragePrefix("contract"),
      retry: { maxRetries: 1, retryDelayInMs: 50 },
    }),
  ),
);
storeContract("in memory", createMemoryStores);
