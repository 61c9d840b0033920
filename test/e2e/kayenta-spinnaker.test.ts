// Spinnaker pointed at `coalmine serve`: the calls of Deck (through Gate's KayentaService), Orca's KayentaService
// (ResolveKayentaConfigIdTask, RunKayentaCanaryTask, MonitorKayentaCanaryTask, RunCanaryPipelineStage.cancel),
// with their paths, query parameters and bodies as those sources make them, and the fields they read back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { call, serve, type Answer } from "./http-serve-helpers";

let app: RunningServe;
let base: string;
const log: string[] = [];

beforeAll(async () => {
  app = await serve({}, log);
  base = app.url;
});
afterAll(async () => {
  await app?.close();
});

/** The config as Deck's editor saves it (serviceType, scopeName on the metric and in the query, isNew rows). */
const deckConfig = (name: string): Record<string, any> => ({
  name,
  applications: ["checkout"],
  description: "",
  configVersion: "1",
  isNew: true,
  judge: { name: "NetflixACAJudge-v1.0", judgeConfigurations: {} },
  metrics: [
    {
      name: "p95 latency",
      query: { type: "file", serviceType: "file", metricName: "latency_p95", scopeName: "default" },
      groups: ["latency"],
      analysisConfigurations: { canary: { direction: "increase", critical: true } },
      scopeName: "default",
      isNew: true,
    },
    {
      name: "error rate",
      query: { type: "file", serviceType: "file", metricName: "error_rate", scopeName: "default" },
      groups: ["errors"],
      analysisConfigurations: { canary: { direction: "increase" } },
      scopeName: "default",
    },
  ],
  templates: {},
  classifier: { groupWeights: { latency: 50, errors: 50 } },
});

/** Orca's CanaryExecutionRequest as its Jackson mapper writes it (Instants as ISO, Thresholds as Int, siteLocal {}). */
const orcaRequest = (
  canary: string,
  start: string,
  end: string,
  thresholds = { pass: 95, marginal: 75 },
) => ({
  scopes: {
    default: {
      controlScope: {
        scope: "checkout-baseline",
        location: "prod",
        start,
        end,
        step: 60,
        extendedScopeParams: {},
      },
      experimentScope: { scope: canary, location: "prod", start, end, step: 60, extendedScopeParams: {} },
    },
  },
  thresholds,
  siteLocal: {},
});

const ORCA_STATUSES = [
  "NOT_STARTED",
  "RUNNING",
  "PAUSED",
  "SUSPENDED",
  "SUCCEEDED",
  "FAILED_CONTINUE",
  "TERMINAL",
  "CANCELED",
  "REDIRECT",
  "STOPPED",
  "SKIPPED",
  "BUFFERED",
];

/** What Orca's `CanaryResults` data class needs to deserialize (non-null fields, Instant and Duration texts). */
function readAsOrca(body: any) {
  expect(typeof body.complete).toBe("boolean");
  expect(typeof body.application).toBe("string");
  const executionStatus = String(body.status).toUpperCase();
  expect(ORCA_STATUSES).toContain(executionStatus);
  for (const k of ["buildTimeIso", "startTimeIso", "endTimeIso"])
    if (body[k] != null) expect(Number.isNaN(Date.parse(body[k]))).toBe(false);
  if (body.result) {
    expect(body.result.canaryDuration === null || /^PT/.test(body.result.canaryDuration)).toBe(true);
    expect(typeof body.result.judgeResult.score.score).toBe("number");
    expect(typeof body.result.judgeResult.score.classification).toBe("string");
    expect(typeof body.result.judgeResult.score.classificationReason).toBe("string");
    for (const r of body.result.judgeResult.results)
      expect(typeof r.controlMetadata.stats.count).toBe("number");
  }
  return { executionStatus, score: body.result?.judgeResult.score.score as number | undefined };
}

/** MonitorKayentaCanaryTask: poll every second (here faster) until SUCCEEDED or a halt status. */
async function monitor(id: string, storageAccountName = "my-s3-account") {
  for (let i = 0; i < 400; i++) {
    const got = await call(base, "GET", `/api/canary/${id}?storageAccountName=${storageAccountName}`);
    expect(got.status).toBe(200);
    const read = readAsOrca(got.body);
    if (["SUCCEEDED", "TERMINAL", "CANCELED", "STOPPED"].includes(read.executionStatus))
      return { ...read, body: got.body };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`canary ${id} did not finish`);
}

const kayentaError = (a: Answer, status: number) => {
  expect(a.status).toBe(status);
  expect(a.contentType).toMatch(/application\/problem\+json/);
  expect(typeof a.body.message).toBe("string");
  expect(a.body.message.length).toBeGreaterThan(0);
};

describe("Spinnaker → Coalmine (kayenta.baseUrl = <coalmine>/api)", () => {
  let configId = "";

  it("Deck creates a config through Gate (POST /canaryConfig) and reads it back", async () => {
    const created = await call(
      base,
      "POST",
      "/api/canaryConfig?configurationAccountName=my-s3-account",
      deckConfig("checkout-golden"),
    );
    expect(created.status).toBe(200);
    configId = created.body.canaryConfigId;
    expect(configId).toMatch(/^[0-9A-Z]{26}$/);
    expect([...created.body.warnings].sort()).toEqual([
      "$.isNew: 'isNew' is ignored: Deck's editor flag; Kayenta ignores it",
      "$.metrics[0].isNew: 'isNew' is ignored: Deck's editor flag; Kayenta ignores it",
      "$.metrics[0].query.scopeName: 'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
      "$.metrics[1].query.scopeName: 'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
    ]);

    const again = await call(base, "POST", "/api/canaryConfig", deckConfig("checkout-golden"));
    kayentaError(again, 400);
    expect(again.body.message).toMatch(/already exists/);

    const summaries = await call(
      base,
      "GET",
      "/api/canaryConfig?application=checkout&configurationAccountName=x",
    );
    expect(summaries.status).toBe(200);
    expect(summaries.body).toEqual([
      {
        id: configId,
        name: "checkout-golden",
        updatedTimestamp: expect.any(Number),
        updatedTimestampIso: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        applications: ["checkout"],
      },
    ]);
    expect((await call(base, "GET", "/api/canaryConfig?application=other")).body).toEqual([]);

    const read = await call(
      base,
      "GET",
      `/api/canaryConfig/${configId}?configurationAccountName=my-s3-account`,
    );
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: configId, name: "checkout-golden", applications: ["checkout"] });
    expect(read.body.metrics[0].query).toEqual({
      type: "file",
      serviceType: "file",
      metricName: "latency_p95",
    });
    expect(read.body.createdTimestampIso).toEqual(expect.any(String));

    const edited = { ...read.body, description: "golden signals" };
    const updated = await call(base, "PUT", `/api/canaryConfig/${configId}`, edited);
    expect(updated.body).toEqual({ canaryConfigId: configId, warnings: [] });
    expect((await call(base, "GET", `/api/canaryConfig/${configId}`)).body.description).toBe(
      "golden signals",
    );
  });

  it("Deck's pickers: judges, accounts, metric descriptors", async () => {
    const judges = await call(base, "GET", "/api/judges");
    expect(judges.body).toContainEqual({ name: "NetflixACAJudge-v1.0", visible: true });
    const credentials = await call(base, "GET", "/api/credentials");
    expect(credentials.body).toContainEqual(
      expect.objectContaining({ name: "recorded", type: "file", supportedTypes: ["METRICS_STORE"] }),
    );
    expect(credentials.body).toContainEqual(
      expect.objectContaining({ name: "coalmine", supportedTypes: ["OBJECT_STORE", "CONFIGURATION_STORE"] }),
    );
    const metadata = await call(
      base,
      "GET",
      "/api/metadata/metricsService?filter=lat&metricsAccountName=recorded",
    );
    expect([metadata.status, metadata.body]).toEqual([200, []]);
  });

  it("Orca runs the canary stage: resolves the config id, POST /canary/{id}, monitors to SUCCEEDED, reads the score", async () => {
    // ResolveKayentaConfigIdTask: every config, then name + application.
    const all = await call(base, "GET", "/api/canaryConfig");
    const candidates = all.body.filter(
      (c: any) => c.name === "checkout-golden" && c.applications.includes("checkout"),
    );
    expect(candidates.map((c: any) => c.id)).toEqual([configId]);

    // RunKayentaCanaryTask.
    const started = await call(
      base,
      "POST",
      `/api/canary/${candidates[0].id}?application=checkout&parentPipelineExecutionId=01ORCAPIPELINE&metricsAccountName=recorded&storageAccountName=my-s3-account`,
      orcaRequest("checkout-canary", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
    );
    expect(started.status).toBe(200);
    const canaryExecutionId = started.body["canaryExecutionId"] as string;
    expect(canaryExecutionId).toMatch(/^[0-9A-Z]{26}$/);

    // MonitorKayentaCanaryTask.
    const done = await monitor(canaryExecutionId);
    expect(done.executionStatus).toBe("SUCCEEDED");
    expect(done.score).toBe(100);
    expect(done.body).toMatchObject({
      application: "checkout",
      parentPipelineExecutionId: "01ORCAPIPELINE",
      pipelineId: canaryExecutionId,
      complete: true,
      status: "succeeded",
      canaryConfigId: configId,
      storageAccountName: "my-s3-account",
      metricsAccountName: "recorded",
      stageStatus: {
        setupContext: "succeeded",
        fetchControl0: "succeeded",
        fetchExperiment1: "succeeded",
        mixMetrics: "succeeded",
        judge: "succeeded",
      },
      result: {
        canaryDuration: "PT30M",
        judgeResult: { judgeName: "NetflixACAJudge-v1.0", score: { score: 100, classification: "Pass" } },
      },
      canaryExecutionRequest: orcaRequest("checkout-canary", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
    });
    expect(done.body.result.judgeResult.results[0].controlMetadata.stats.count).toBe(30);
    expect(Date.parse(done.body.endTimeIso)).toBeGreaterThanOrEqual(Date.parse(done.body.buildTimeIso));

    // Orca's getResultWarnings asks for the account's type.
    const credentials = await call(base, "GET", "/api/credentials");
    expect(credentials.body.find((c: any) => c.name === "recorded").type).toBe("file");

    // Deck's report: the run (Gate: GET /canary/{id}?storageAccountName=) and its metric set pairs.
    const pairs = await call(
      base,
      "GET",
      `/api/metricSetPairList/${done.body.metricSetPairListId}?accountName=my-s3-account`,
    );
    expect(pairs.status).toBe(200);
    expect(pairs.body.map((p: any) => p.name).sort()).toEqual(["error rate", "p95 latency"]);
    expect(pairs.body[0].values.control).toHaveLength(30);
    const one = await call(
      base,
      "GET",
      `/api/metricSetPairList/${done.body.metricSetPairListId}/${pairs.body[0].id}`,
    );
    expect(one.body).toEqual(pairs.body[0]);
  });

  it("a regressed canary is SUCCEEDED with a low score (Orca's stage, not Kayenta, applies the thresholds)", async () => {
    const started = await call(
      base,
      "POST",
      `/api/canary/${configId}?application=checkout&parentPipelineExecutionId=01ORCAPIPELINE&metricsAccountName=recorded`,
      orcaRequest("checkout-canary-regressed", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
    );
    const done = await monitor(started.body.canaryExecutionId);
    expect(done.executionStatus).toBe("SUCCEEDED");
    expect(done.score).toBeLessThanOrEqual(75);
    expect(done.body.result.judgeResult.score.classification).toBe("Fail");

    // Deck's execution list (Gate: GET /canary/executions?application=&limit=&page=&statuses=&storageAccountName=).
    const runs = await call(
      base,
      "GET",
      "/api/canary/executions?application=checkout&limit=20&page=1&statuses=&storageAccountName=s3",
    );
    expect(runs.status).toBe(200);
    expect(runs.body.map((r: any) => r.pipelineId)).toContain(started.body.canaryExecutionId);
    expect(runs.body.length).toBeGreaterThanOrEqual(2);
  });

  it("POST /canary with the config inline (ad-hoc), and unknown query parameters ignored", async () => {
    const started = await call(base, "POST", "/api/canary?metricsAccountName=recorded&someFutureParam=1", {
      canaryConfig: deckConfig("checkout-adhoc"),
      executionRequest: orcaRequest("checkout-canary", "2026-11-20T01:00:00Z", "2026-11-20T01:20:00Z"),
    });
    expect(started.status).toBe(200);
    const done = await monitor(started.body.canaryExecutionId);
    expect(done.body).toMatchObject({ application: "ad-hoc", canaryConfigId: "ad-hoc", status: "succeeded" });
    expect(done.body.result.canaryDuration).toBe("PT20M");
  });

  it('Orca cancels a running canary (PUT /pipelines/{id}/cancel with body "")', async () => {
    const now = Date.now();
    const started = await call(
      base,
      "POST",
      `/api/canary/${configId}?application=checkout&parentPipelineExecutionId=01ORCA&metricsAccountName=recorded`,
      orcaRequest(
        "checkout-canary",
        new Date(now - 60_000).toISOString(),
        new Date(now + 3_600_000).toISOString(),
      ),
    );
    const id = started.body.canaryExecutionId as string;
    const cancel = await call(base, "PUT", `/api/pipelines/${id}/cancel`, '""');
    expect([cancel.status, cancel.body]).toEqual([202, {}]);
    const done = await monitor(id);
    expect(done.executionStatus).toBe("CANCELED");
    expect((await call(base, "PUT", `/api/pipelines/${id}/cancel`, '""')).status).toBe(202);
    kayentaError(await call(base, "PUT", "/api/pipelines/01NOSUCHPIPELINE0000000000/cancel", '""'), 404);
  });

  it("the standalone stored-config route finds the config by its id alone", async () => {
    const started = await call(
      base,
      "POST",
      `/api/standalone_canary_analysis/${configId}?metricsAccountName=recorded&user=spinnaker&unknown=x`,
      {
        scopes: [
          {
            controlScope: "checkout-baseline",
            controlLocation: "prod",
            experimentScope: "checkout-canary",
            experimentLocation: "prod",
            startTimeIso: "2026-11-20T00:00:00Z",
            endTimeIso: "2026-11-20T00:20:00Z",
          },
        ],
        thresholds: { marginal: 50 },
      },
    );
    expect(started.status).toBe(200);
    expect(started.body.warnings).toEqual([
      '$.thresholds.pass: no pass threshold: a final score above marginal passes ("No pass score threshold was specified.", as Kayenta)',
    ]);
    const id = started.body.canaryAnalysisExecutionId as string;
    let status: any;
    for (let i = 0; i < 300 && !status?.complete; i++) {
      status = (await call(base, "GET", `/api/standalone_canary_analysis/${id}`)).body;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.canaryAnalysisExecutionResult).toMatchObject({
      didPassThresholds: true,
      canaryScoreMessage: "No pass score threshold was specified.",
    });
    expect(status.storageAccountName).toBe("coalmine");
    const run = status.canaryAnalysisExecutionResult.canaryExecutionResults[0];
    expect(run).toMatchObject({
      storageAccountName: "coalmine",
      buildTimeIso: expect.any(String),
      startTimeIso: expect.any(String),
      endTimeIso: expect.any(String),
    });
    const pairs = await call(base, "GET", `/api/metricSetPairList/${run.metricSetPairListId}`);
    expect(pairs.status).toBe(200);
    expect(pairs.body).toHaveLength(2);
  });

  it("errors carry Kayenta's message next to the problem", async () => {
    const bad = await call(base, "POST", `/api/canary/${configId}?metricsAccountName=recorded`, {
      scopes: orcaRequest("c", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z").scopes,
    });
    kayentaError(bad, 400);
    expect(bad.body.errors).toEqual([{ path: "$.thresholds", message: "is required" }]);
    expect(bad.body.message).toBe("The request body is invalid: $.thresholds: is required");
    const typo = await call(base, "POST", `/api/canary/${configId}`, {
      ...orcaRequest("c", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
      tresholds: {},
    });
    kayentaError(typo, 400);
    expect(typo.body.errors).toContainEqual({
      path: "$.tresholds",
      message: "unknown key 'tresholds': did you mean 'thresholds'?",
    });
    kayentaError(await call(base, "GET", "/api/canary/01NOSUCHRUN000000000000000"), 404);
    kayentaError(
      await call(
        base,
        "POST",
        "/api/canary/no-such-config",
        orcaRequest("c", "2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
      ),
      404,
    );
  });

  it("Deck deletes the config; it is gone by id and from the list", async () => {
    const deleted = await call(
      base,
      "DELETE",
      `/api/canaryConfig/${configId}?configurationAccountName=my-s3-account`,
    );
    expect(deleted.status).toBe(204);
    kayentaError(await call(base, "GET", `/api/canaryConfig/${configId}`), 404);
    expect((await call(base, "GET", "/api/canaryConfig?application=checkout")).body).toEqual([]);
    kayentaError(await call(base, "DELETE", `/api/canaryConfig/${configId}`), 404);
  });

  it("a config stored through the native route is reachable by its Kayenta id", async () => {
    const put = await call(
      base,
      "PUT",
      "/api/canary-configs/checkout/native-golden",
      deckConfig("native-golden"),
    );
    expect(put.status).toBe(201);
    const list = await call(base, "GET", "/api/canaryConfig?application=checkout");
    expect(list.body.map((c: any) => c.id)).toEqual(["checkout~native-golden"]);
    const read = await call(base, "GET", "/api/canaryConfig/checkout~native-golden");
    expect(read.body.name).toBe("native-golden");
  });
});
