// `coalmine serve` end to end: start → poll → verdict, marginal → decision, cancel, Kayenta-compatible start and status,
// Azure DevOps callback, signed webhooks and GitHub statuses against local fakes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { ADO_IDS, startFakeAzureDevOps, type FakeAzureDevOps } from "../helpers/fake-azure-devops";
import { startFakeGithub, type FakeGithub } from "../helpers/fake-github";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";
import { baseRequest, call, poll, serve } from "./http-serve-helpers";

let app: RunningServe;
let base: string;
let ado: FakeAzureDevOps;
let gh: FakeGithub;
let hooks: WebhookReceiver;
const log: string[] = [];

beforeAll(async () => {
  ado = await startFakeAzureDevOps();
  gh = await startFakeGithub();
  hooks = await startWebhookReceiver("hook-secret");
  app = await serve(
    {
      COALMINE_OUTBOUND_ALLOWLIST: [ado.origin, gh.origin, hooks.origin].join(","),
      COALMINE_SECRET_KEY: "e2".repeat(32),
      COALMINE_GITHUB_TOKEN: "ghp_e2e",
      COALMINE_GITHUB_API: gh.origin,
      COALMINE_HOOK_SECRET: "hook-secret",
    },
    log,
  );
  base = app.url;
});

afterAll(async () => {
  await app?.close();
  await Promise.all([ado?.close(), gh?.close(), hooks?.close()]);
});

describe("coalmine serve", () => {
  it("starts an analysis (202, Location, URLs), and polling reaches the verdict", async () => {
    const started = await call(base, "POST", "/api/analyses", baseRequest());
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    expect(started.headers.get("location")).toBe(`/api/analyses/${id}`);
    // Without COALMINE_PUBLIC_URL the links are relative (never built from the Host header).
    expect(started.body).toEqual({
      id,
      statusUrl: `/api/analyses/${id}`,
      reportUrl: `/api/analyses/${id}/report`,
    });
    const done = await poll(base, id);
    expect(done).toMatchObject({ id, application: "checkout", state: "passed", verdict: "pass" });
    expect(done.judgements).toHaveLength(2);
    const list = await call(base, "GET", "/api/analyses?application=checkout&status=passed");
    expect(list.body.items.map((s: any) => s.id)).toContain(id);
    const report = await call(base, "GET", `/api/analyses/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.contentType).toMatch(/text\/html/);
    const index = await call(base, "GET", "/api/");
    expect(index.text).toContain(id);
  });

  it("marginal → awaiting-decision → approve → passed; a second decision is 409", async () => {
    const req = baseRequest();
    req.scopes.default.canary.scope = "checkout-canary-regressed";
    req.onMarginal = { action: "await-decision", timeout: "PT30M" };
    const started = await call(base, "POST", "/api/analyses", req);
    const id = started.body.id as string;
    const waiting = await poll(
      base,
      id,
      (s) => s.state === "awaiting-decision" || ["passed", "failed", "error", "marginal"].includes(s.state),
    );
    expect(waiting.state).toBe("awaiting-decision");
    const decided = await call(base, "POST", `/api/analyses/${id}/decision`, {
      action: "approve",
      reason: "known slow path",
    });
    expect(decided.status).toBe(202);
    const done = await poll(base, id);
    expect(done.state).toBe("passed");
    const again = await call(base, "POST", `/api/analyses/${id}/decision`, { action: "reject" });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain("application/problem+json");
  });

  it("cancels a live analysis; cancelling again is 409", async () => {
    const req = baseRequest();
    delete req.startTime;
    req.stages = [{ name: "live", duration: "PT1H", interval: "PT30M" }];
    const started = await call(base, "POST", "/api/analyses", req);
    const id = started.body.id as string;
    await poll(base, id, (s) => s.state === "running" || s.state === "pending");
    const canceled = await call(base, "DELETE", `/api/analyses/${id}`);
    expect(canceled.status).toBe(202);
    const done = await poll(base, id);
    expect(done.state).toBe("canceled");
    expect((await call(base, "DELETE", `/api/analyses/${id}`)).status).toBe(409);
  });

  it("answers Kayenta's standalone API in Kayenta's shapes", async () => {
    const req = baseRequest();
    const body = {
      canaryConfig: req.canaryConfig,
      executionRequest: {
        scopes: [
          {
            controlScope: "checkout-baseline",
            controlLocation: "prod",
            experimentScope: "checkout-canary",
            experimentLocation: "prod",
            startTimeIso: "2026-11-20T00:00:00Z",
            endTimeIso: "2026-11-20T00:30:00Z",
            step: 60,
          },
        ],
        thresholds: { pass: 95, marginal: 75 },
        analysisIntervalMins: 10,
      },
    };
    const started = await call(
      base,
      "POST",
      "/api/standalone_canary_analysis?user=pipeline&metricsAccountName=recorded",
      body,
    );
    expect(started.status).toBe(200);
    const id = started.body.canaryAnalysisExecutionId as string;
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    let status: any;
    for (let i = 0; i < 300; i++) {
      status = (await call(base, "GET", `/api/standalone_canary_analysis/${id}`)).body;
      if (status.complete) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({
      application: "ad-hoc",
      user: "pipeline",
      pipelineId: id,
      complete: true,
      executionStatus: "SUCCEEDED",
      status: "succeeded",
    });
    const result = status.canaryAnalysisExecutionResult;
    expect(result.didPassThresholds).toBe(true);
    expect(result.canaryScores).toHaveLength(3);
    expect(result.canaryScoreMessage).toBe(
      "Final canary score 100.0 met or exceeded the pass score threshold.",
    );
    expect(result.hasWarnings).toBe(false);
    expect(result.canaryExecutionResults[0].result.judgeResult).toMatchObject({
      judgeName: "NetflixACAJudge-v1.0",
      score: { score: 100 },
    });
    expect(result.canaryExecutionResults[0]).toMatchObject({
      judgementStartTimeIso: expect.any(String),
      judgementEndTimeMillis: expect.any(Number),
    });
    expect(status.canaryAnalysisExecutionRequest).toEqual(body.executionRequest);
  });

  it("completes an Azure DevOps agentless task: feed lines and TaskCompleted with the bearer token; the token is nowhere stored in plain", async () => {
    const started = await call(
      base,
      "POST",
      "/api/analyses",
      baseRequest(),
      ado.taskHeaders("ado-token-e2e"),
    );
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const done = await poll(base, id);
    expect(done.state).toBe("passed");
    for (let i = 0; i < 100 && ado.completions().length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(ado.stray()).toEqual([]);
    expect(ado.completions()).toEqual([
      { name: "TaskCompleted", taskId: ADO_IDS.taskInstanceId, jobId: ADO_IDS.jobId, result: "succeeded" },
    ]);
    const completion = ado.requests.find((r) => r.path.includes("/events"))!;
    expect(completion.path).toBe(
      `/org/${ADO_IDS.projectId}/_apis/distributedtask/hubs/${ADO_IDS.hubName}/plans/${ADO_IDS.planId}/events?api-version=2.0-preview.1`,
    );
    expect(completion.headers.authorization).toBe("Bearer ado-token-e2e");
    const lines = ado.feedLines();
    expect(lines.some((l) => l.includes("started"))).toBe(true);
    expect(lines.filter((l) => l.includes("interval")).length).toBeGreaterThanOrEqual(2);
    // Never in plain form: not in the status, not in any stored artifact, not in the server log.
    expect(JSON.stringify(done)).not.toContain("ado-token-e2e");
    const artifacts = app.app.ports.artifactStore;
    for (const path of await artifacts.list(`analyses/${id}/`)) {
      expect(await artifacts.getText(path)).not.toContain("ado-token-e2e");
    }
    expect(log.join("\n")).not.toContain("ado-token-e2e");
  });

  it("signs every webhook delivery and posts GitHub commit statuses", async () => {
    const req = baseRequest();
    req.notify = {
      webhooks: [{ url: hooks.url, secretName: "COALMINE_HOOK_SECRET" }],
      github: { repository: "org/checkout", sha: "0123456789abcdef0123456789abcdef01234567" },
    };
    const started = await call(base, "POST", "/api/analyses", req);
    const id = started.body.id as string;
    await poll(base, id);
    const completed = () =>
      hooks.deliveries().filter((d) => d.payload.analysisId === id && d.event === "completed");
    for (let i = 0; i < 100 && completed().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const mine = hooks.deliveries().filter((d) => d.payload.analysisId === id);
    expect(mine.map((d) => d.event)).toEqual(expect.arrayContaining(["started", "judgement", "completed"]));
    expect(mine.every((d) => d.signatureValid)).toBe(true);
    expect(completed()[0]!.payload).toMatchObject({
      verdict: "pass",
      reportUrl: expect.stringContaining(`/api/analyses/${id}/report`),
    });
    const statuses = gh.statuses().filter((s) => s.sha === "0123456789abcdef0123456789abcdef01234567");
    expect(statuses.map((s) => s.body.state)).toEqual(["pending", "success"]);
    expect(statuses[0]!.authorization).toBe("Bearer ghp_e2e");
  });
});
