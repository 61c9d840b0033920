// Webhook, Azure DevOps, GitHub status and traffic hook deliveries against local fakes; the composite over stored targets.
import { afterEach, describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import { notifySettings } from "../../src/app/ports";
import { parseSettings } from "../../src/app/settings";
import { createCompositeNotifier, NotificationError } from "../../src/notify/composite-notifier";
import {
  AzureDevOpsNotifier,
  azureDevOpsArtifactPath,
  sealAzureDevOpsContext,
  taskResult,
} from "../../src/notify/azure-devops-notifier";
import { readAzureDevOpsHeaders } from "../../src/notify/azure-devops-context";
import { GithubStatusNotifier } from "../../src/notify/github-status-notifier";
import type { AnalysisEvent } from "../../src/analysis/ports/notifier";
import { OutboundGuard } from "../../src/notify/outbound-guard";
import { DeliveryError } from "../../src/notify/outbound-post";
import { SecretBox } from "../../src/notify/secret-box";
import { HttpTrafficHook } from "../../src/notify/traffic-hook";
import { WebhookNotifier } from "../../src/notify/webhook-notifier";
import { MemoryArtifactStore } from "../../src/store/memory-artifact-store";
import { artifactPaths } from "../../src/analysis/ports/store";
import { ADO_IDS, startFakeAzureDevOps } from "../helpers/fake-azure-devops";
import { startFakeGithub } from "../helpers/fake-github";
import type { RecordingServer } from "../helpers/recording-server";
import { startRecordingServer } from "../helpers/recording-server";
import { startWebhookReceiver, validSignature } from "../helpers/webhook-receiver";

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const track = <T extends RecordingServer>(s: T): T => (servers.push(s), s);

const noSleep = async () => {};
const status = (over: Partial<AnalysisStatus> = {}): AnalysisStatus => ({
  id: "01JTEST",
  application: "checkout",
  state: "running",
  judge: "NetflixACAJudge-v1.0",
  judgements: [
    {
      stage: 0,
      interval: 0,
      start: "2026-11-23T10:00:00Z",
      end: "2026-11-23T10:05:00Z",
      score: 87.5,
      classification: "Marginal",
      failedMetrics: ["p95 latency"],
    },
  ],
  createdAt: "2026-11-23T10:00:00Z",
  updatedAt: "2026-11-23T10:05:30Z",
  reportUrl: "/api/analyses/01JTEST/report",
  ...over,
});
const event = (name: AnalysisEvent["event"], over: Partial<AnalysisStatus> = {}): AnalysisEvent => ({
  event: name,
  status: status(over),
  reportUrl: "https://coalmine.example.com/api/analyses/01JTEST/report",
});
const guardFor = (...origins: string[]) => new OutboundGuard({ allowlist: origins.join(",") });

describe("WebhookNotifier", () => {
  it("POSTs the payload signed over the raw body, with event and delivery headers", async () => {
    const rx = track(await startWebhookReceiver("s3cret"));
    const n = new WebhookNotifier({
      guard: guardFor(rx.origin),
      env: { COALMINE_HOOK_SECRET: "s3cret" },
      sleep: noSleep,
    });
    await n.deliver(
      { url: rx.url, secretName: "COALMINE_HOOK_SECRET" },
      "01JTEST",
      event("completed", { state: "failed", verdict: "fail", score: 42.5 }),
    );
    const [d] = rx.deliveries();
    expect(d).toMatchObject({ event: "completed", signatureValid: true });
    expect(d!.deliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(d!.payload).toMatchObject({
      event: "completed",
      analysisId: "01JTEST",
      verdict: "fail",
      score: 42.5,
      reportUrl: expect.stringContaining("/report"),
    });
    expect(
      validSignature("wrong", rx.requests[0]!.body, rx.requests[0]!.headers["x-coalmine-signature-256"]),
    ).toBe(false);
  });

  it("skips events the hook did not subscribe to", async () => {
    const rx = track(await startWebhookReceiver("s"));
    const n = new WebhookNotifier({ guard: guardFor(rx.origin), env: {}, sleep: noSleep });
    await n.deliver({ url: rx.url, events: ["completed"] }, "01JTEST", event("judgement"));
    expect(rx.requests).toHaveLength(0);
  });

  it("retries 5xx and 429 with the same delivery id, then succeeds", async () => {
    const rx = track(await startWebhookReceiver("s"));
    rx.failNext(503, 429);
    const waits: number[] = [];
    const n = new WebhookNotifier({
      guard: guardFor(rx.origin),
      env: { COALMINE_HOOK_S: "s" },
      sleep: async (ms) => void waits.push(ms),
    });
    await n.deliver({ url: rx.url, secretName: "COALMINE_HOOK_S" }, "01JTEST", event("started"));
    expect(rx.requests).toHaveLength(3);
    expect(new Set(rx.deliveries().map((d) => d.deliveryId)).size).toBe(1);
    expect(waits).toHaveLength(2);
  });

  it("gives up at once on a 4xx, and after the attempts on persistent 5xx", async () => {
    const rx = track(await startWebhookReceiver("s"));
    const n = new WebhookNotifier({
      guard: guardFor(rx.origin),
      env: {},
      sleep: noSleep,
      retry: { attempts: 3 },
    });
    rx.failNext(400);
    await expect(n.deliver({ url: rx.url }, "01JTEST", event("started"))).rejects.toMatchObject({
      status: 400,
      permanent: true,
    });
    expect(rx.requests).toHaveLength(1);
    rx.failNext(500, 500, 500);
    await expect(n.deliver({ url: rx.url }, "01JTEST", event("started"))).rejects.toBeInstanceOf(
      DeliveryError,
    );
    expect(rx.requests).toHaveLength(4);
  });

  it("refuses a loopback target that is not allowlisted, and a secret setting that is missing", async () => {
    const rx = track(await startWebhookReceiver("s"));
    const n = new WebhookNotifier({ guard: new OutboundGuard(), env: {}, sleep: noSleep });
    await expect(n.deliver({ url: rx.url }, "01JTEST", event("started"))).rejects.toThrow(/only https/);
    const m = new WebhookNotifier({ guard: guardFor(rx.origin), env: {}, sleep: noSleep });
    await expect(
      m.deliver({ url: rx.url, secretName: "COALMINE_HOOK_NOPE" }, "01JTEST", event("started")),
    ).rejects.toThrow(/setting COALMINE_HOOK_NOPE/);
    expect(rx.requests).toHaveLength(0);
  });
});

describe("AzureDevOpsNotifier", () => {
  it("reads the task headers case-insensitively and reports the missing ones", () => {
    const r = readAzureDevOpsHeaders({ planurl: "https://dev.azure.com/org/", AUTHTOKEN: "t" });
    expect(r).toEqual({
      present: true,
      missing: ["projectid", "hubname", "planid", "jobid", "timelineid", "taskinstanceid"],
    });
    expect(readAzureDevOpsHeaders({ "content-type": "application/json" })).toEqual({ present: false });
  });

  it("posts feed lines at each event and TaskCompleted with the bearer token at the end", async () => {
    const ado = track(await startFakeAzureDevOps());
    const found = readAzureDevOpsHeaders(ado.taskHeaders("tok-123"));
    if (!found.present || !("context" in found)) throw new Error("headers not read");
    const n = new AzureDevOpsNotifier({ guard: guardFor(ado.origin), sleep: noSleep });
    await n.deliver(found.context, "01JTEST", event("judgement"), "fail");
    await n.deliver(
      found.context,
      "01JTEST",
      event("completed", { state: "passed", verdict: "pass", score: 100 }),
      "fail",
    );
    expect(ado.stray()).toEqual([]);
    expect(ado.feedLines()).toHaveLength(2);
    expect(ado.feedLines()[0]).toContain("score 87.5");
    expect(ado.completions()).toEqual([
      { name: "TaskCompleted", taskId: ADO_IDS.taskInstanceId, jobId: ADO_IDS.jobId, result: "succeeded" },
    ]);
    const completion = ado.requests.find((r) => r.path.includes("/events"))!;
    expect(completion.path).toBe(
      `/org/${ADO_IDS.projectId}/_apis/distributedtask/hubs/build/plans/${ADO_IDS.planId}/events?api-version=2.0-preview.1`,
    );
    expect(completion.headers.authorization).toBe("Bearer tok-123");
  });

  it("maps marginal per onMarginal and everything else not passed to failed", () => {
    expect(taskResult(status({ state: "marginal" }), "pass")).toBe("succeeded");
    expect(taskResult(status({ state: "marginal" }), "fail")).toBe("failed");
    expect(taskResult(status({ state: "error" }), "pass")).toBe("failed");
    expect(taskResult(status({ state: "canceled" }), undefined)).toBe("failed");
  });

  it("retries the callback when Azure DevOps fails", async () => {
    const ado = track(await startFakeAzureDevOps());
    const found = readAzureDevOpsHeaders(ado.taskHeaders());
    if (!found.present || !("context" in found)) throw new Error("headers not read");
    const n = new AzureDevOpsNotifier({ guard: guardFor(ado.origin), sleep: noSleep });
    ado.failNextEvents(502, 503);
    await n.deliver(found.context, "01JTEST", event("completed", { state: "failed" }), undefined);
    expect(ado.requests.filter((r) => r.path.includes("/events?"))).toHaveLength(3);
    expect(ado.completions()).toHaveLength(1);
    expect(ado.completions().at(-1)!.result).toBe("failed");
  });
});

describe("GithubStatusNotifier", () => {
  it("posts pending at start and the end state with the report link", async () => {
    const gh = track(await startFakeGithub());
    const n = new GithubStatusNotifier({
      guard: guardFor(gh.origin),
      token: "ghp_x",
      apiBase: gh.origin,
      sleep: noSleep,
    });
    const target = { repository: "org/app", sha: "abc1234def" };
    await n.deliver(target, event("started"));
    await n.deliver(target, event("judgement"));
    await n.deliver(target, event("completed", { state: "failed", score: 40 }));
    await n.deliver(target, event("completed", { state: "error" }));
    const s = gh.statuses();
    expect(s.map((c) => c.body.state)).toEqual(["pending", "failure", "error"]);
    expect(s[0]).toMatchObject({ repository: "org/app", sha: "abc1234def", authorization: "Bearer ghp_x" });
    expect(s[1]!.body).toMatchObject({
      context: "coalmine/canary",
      target_url: "https://coalmine.example.com/api/analyses/01JTEST/report",
    });
  });

  it("needs a token", async () => {
    const n = new GithubStatusNotifier({ guard: new OutboundGuard(), token: undefined });
    await expect(n.deliver({ repository: "o/r", sha: "abcdef1" }, event("started"))).rejects.toThrow(
      /COALMINE_GITHUB_TOKEN/,
    );
  });
});

describe("HttpTrafficHook", () => {
  it("POSTs the stage weight signed, and throws unless 2xx", async () => {
    const hook = track(await startRecordingServer());
    const t = new HttpTrafficHook({
      guard: guardFor(hook.origin),
      env: { COALMINE_HOOK_TH: "k" },
      sleep: noSleep,
      retry: { attempts: 1 },
    });
    const call = {
      analysisId: "01JTEST",
      application: "checkout",
      stage: { index: 1, name: "33%", trafficWeight: 33 },
      url: `${hook.origin}/weights`,
      secretName: "COALMINE_HOOK_TH",
    };
    await t.setWeight(call);
    const req = hook.requests[0]!;
    expect(JSON.parse(req.body)).toMatchObject({ trafficWeight: 33, stage: { index: 1 } });
    expect(validSignature("k", req.body, req.headers["x-coalmine-signature-256"])).toBe(true);
    hook.failNext(409);
    await expect(t.setWeight(call)).rejects.toThrow(/HTTP 409/);
  });
});

describe("createCompositeNotifier", () => {
  it("tells every target the stored request names, opening the sealed Azure DevOps token", async () => {
    const rx = track(await startWebhookReceiver("whs"));
    const gh = track(await startFakeGithub());
    const ado = track(await startFakeAzureDevOps());
    const artifacts = new MemoryArtifactStore();
    const env = {
      COALMINE_OUTBOUND_ALLOWLIST: [rx.origin, gh.origin, ado.origin].join(","),
      COALMINE_SECRET_KEY: "6b".repeat(32),
      COALMINE_GITHUB_TOKEN: "ghp_y",
      COALMINE_GITHUB_API: gh.origin,
      COALMINE_HOOK_WH: "whs",
    };
    await artifacts.putJson(artifactPaths.request("01JTEST"), {
      application: "checkout",
      stages: [{ duration: "PT5M" }],
      scopes: {},
      notify: {
        webhooks: [{ url: rx.url, secretName: "COALMINE_HOOK_WH" }],
        github: { repository: "org/app", sha: "abcdef1" },
      },
      onMarginal: { action: "pass" },
    });
    const found = readAzureDevOpsHeaders(ado.taskHeaders("tok-9"));
    if (!found.present || !("context" in found)) throw new Error("headers not read");
    const sealed = sealAzureDevOpsContext(
      SecretBox.fromSetting(env.COALMINE_SECRET_KEY),
      "01JTEST",
      found.context,
    );
    expect(JSON.stringify(sealed)).not.toContain("tok-9");
    await artifacts.putJson(azureDevOpsArtifactPath("01JTEST"), sealed);

    const notifier = createCompositeNotifier({
      artifacts,
      settings: notifySettings(parseSettings(env)),
      sleep: noSleep,
    });
    await notifier.notify(
      "01JTEST",
      event("completed", { state: "marginal", verdict: "marginal", score: 80 }),
    );
    expect(rx.deliveries()).toEqual([expect.objectContaining({ event: "completed", signatureValid: true })]);
    expect(gh.statuses().map((s) => s.body.state)).toEqual(["failure"]);
    expect(ado.completions()).toEqual([expect.objectContaining({ result: "succeeded" })]);
    expect(ado.requests.at(-1)!.headers.authorization).toBe("Bearer tok-9");
  });

  it("tries every target and names the failures", async () => {
    const rx = track(await startWebhookReceiver("s"));
    const artifacts = new MemoryArtifactStore();
    await artifacts.putJson(artifactPaths.request("01JTEST"), {
      application: "checkout",
      stages: [{ duration: "PT5M" }],
      scopes: {},
      notify: { webhooks: [{ url: "http://10.0.0.1/hook" }, { url: rx.url }] },
    });
    const notifier = createCompositeNotifier({
      artifacts,
      settings: notifySettings(parseSettings({ COALMINE_OUTBOUND_ALLOWLIST: rx.origin })),
      sleep: noSleep,
    });
    const err = await notifier.notify("01JTEST", event("started")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotificationError);
    expect((err as NotificationError).failures.map((f) => f.target)).toEqual(["webhook http://10.0.0.1"]);
    expect(rx.requests).toHaveLength(1);
  });
});
