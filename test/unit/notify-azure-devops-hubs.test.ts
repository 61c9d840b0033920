// Classic release gates and YAML environment checks against the fake Azure DevOps: identifiers per hub and plan
// version, the task log, no feed where there is no job timeline, and no failure when the timeline is missing.
import { afterEach, describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import { readAzureDevOpsHeaders, type AzureDevOpsContext } from "../../src/notify/azure-devops-context";
import { AzureDevOpsNotifier } from "../../src/notify/azure-devops-notifier";
import type { AnalysisEvent } from "../../src/analysis/ports/notifier";
import { OutboundGuard } from "../../src/notify/outbound-guard";
import { ADO_IDS, startFakeAzureDevOps, type FakeAzureDevOps } from "../helpers/fake-azure-devops";

let ado: FakeAzureDevOps | undefined;
afterEach(async () => {
  await ado?.close();
  ado = undefined;
});

const EMPTY = "00000000-0000-0000-0000-000000000000";
const status = (over: Partial<AnalysisStatus> = {}): AnalysisStatus => ({
  id: "01JGATE",
  application: "checkout",
  state: "running",
  judge: "NetflixACAJudge-v1.0",
  judgements: [
    {
      stage: 0,
      interval: 0,
      start: "2026-11-23T10:00:00Z",
      end: "2026-11-23T10:05:00Z",
      score: 100,
      classification: "Pass",
      failedMetrics: [],
    },
  ],
  createdAt: "2026-11-23T10:00:00Z",
  updatedAt: "2026-11-23T10:05:30Z",
  reportUrl: "/api/analyses/01JGATE/report",
  ...over,
});
const event = (name: AnalysisEvent["event"], over: Partial<AnalysisStatus> = {}): AnalysisEvent => ({
  event: name,
  status: status(over),
  reportUrl: "https://coalmine.example.com/api/analyses/01JGATE/report",
});

async function setUp(hub: string): Promise<{ n: AzureDevOpsNotifier; context: AzureDevOpsContext }> {
  ado = await startFakeAzureDevOps();
  const found = readAzureDevOpsHeaders(ado.taskHeaders("gate-token", hub));
  if (!found.present || !("context" in found)) throw new Error("headers not read");
  const n = new AzureDevOpsNotifier({
    guard: new OutboundGuard({ allowlist: ado.origin }),
    sleep: async () => {},
    retry: { attempts: 2 },
  });
  return { n, context: found.context };
}

async function runToEnd(n: AzureDevOpsNotifier, context: AzureDevOpsContext, state: "passed" | "failed") {
  await n.deliver(context, "01JGATE", event("started"), "fail");
  await n.deliver(context, "01JGATE", event("judgement"), "fail");
  await n.deliver(
    context,
    "01JGATE",
    event("completed", { state, verdict: state === "passed" ? "pass" : "fail", score: 100 }),
    "fail",
  );
}

describe("classic release gates (HubName Gates)", () => {
  it("on a plan of version 12 completes with jobId = TaskInstanceId and the empty taskId, with no feed lines", async () => {
    const { n, context } = await setUp("Gates");
    await runToEnd(n, context, "passed");
    expect(ado!.stray()).toEqual([]);
    expect(ado!.refusedCompletions()).toEqual([]);
    expect(ado!.completions()).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.taskInstanceId, taskId: EMPTY, result: "succeeded" },
    ]);
    // The plan version was asked for, once, with the token; no job timeline feed was written to.
    const planGets = ado!.requests.filter((r) => r.method === "GET");
    expect(planGets).toHaveLength(1);
    expect(planGets[0]!.path).toBe(
      `/org/${ADO_IDS.projectId}/_apis/distributedtask/hubs/Gates/plans/${ADO_IDS.planId}?api-version=5.1`,
    );
    expect(planGets[0]!.headers.authorization).toBe("Bearer gate-token");
    expect(ado!.requests.filter((r) => r.path.includes("/feed"))).toEqual([]);
  });

  it("on a newer plan completes with the job's identifiers", async () => {
    const { n, context } = await setUp("Gates");
    ado!.setPlan("Gates", { version: 13 });
    await runToEnd(n, context, "failed");
    expect(ado!.completions()).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.jobId, taskId: ADO_IDS.taskInstanceId, result: "failed" },
    ]);
  });

  it("writes the task log where the gate has a timeline, and completes without one", async () => {
    const { n, context } = await setUp("Gates");
    await runToEnd(n, context, "passed"); // no timeline: the attach answers 404, the gate still completes
    expect(ado!.completions()).toHaveLength(1);
    expect(ado!.logs()[0]?.attachedTo).toBeUndefined();

    ado!.setPlan("Gates", { timeline: true });
    await runToEnd(n, context, "passed");
    const log = ado!.logs().find((l) => l.attachedTo === ADO_IDS.taskInstanceId);
    expect(log?.path).toBe(`logs\\${ADO_IDS.taskInstanceId}`);
    expect(log?.content).toContain("stage 0 interval 0");
    expect(log?.content).toContain("ended passed");
    expect(log?.content).toContain("https://coalmine.example.com/api/analyses/01JGATE/report");
  });

  it("the old identifiers (jobId = JobId) are what the service refuses on such a plan", async () => {
    // The fake answers as Azure DevOps did to a gate completed with the job's identifiers: 500, session not found.
    const { context } = await setUp("Gates");
    const res = await fetch(
      `${ado!.origin}/org/${ADO_IDS.projectId}/_apis/distributedtask/hubs/Gates/plans/${ADO_IDS.planId}/events?api-version=2.0-preview.1`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${context.authToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: "TaskCompleted",
          jobId: ADO_IDS.jobId,
          taskId: ADO_IDS.taskInstanceId,
          result: "succeeded",
        }),
      },
    );
    expect(res.status).toBe(500);
    expect(((await res.json()) as { typeKey: string }).typeKey).toBe("OrchestrationSessionNotFoundException");
  });
});

describe("YAML environment checks (HubName checks)", () => {
  it("streams feed lines to the job record, writes the task log and completes with the job's identifiers", async () => {
    const { n, context } = await setUp("checks");
    await runToEnd(n, context, "failed");
    expect(ado!.stray()).toEqual([]);
    expect(ado!.feedLines()).toHaveLength(3);
    expect(ado!.logs().find((l) => l.attachedTo === ADO_IDS.taskInstanceId)?.content).toContain(
      "ended failed",
    );
    expect(ado!.completions()).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.jobId, taskId: ADO_IDS.taskInstanceId, result: "failed" },
    ]);
    expect(ado!.requests.filter((r) => r.method === "GET")).toEqual([]); // no plan lookup outside gates
  });

  it("a missing timeline is not a failure: no feed, TaskCompleted all the same", async () => {
    const { n, context } = await setUp("checks");
    ado!.setPlan("checks", { timeline: false });
    await runToEnd(n, context, "passed");
    expect(ado!.completions()).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.jobId, taskId: ADO_IDS.taskInstanceId, result: "succeeded" },
    ]);
  });

  it("a wrong token is a failure of the delivery (401 is not retried into a pass)", async () => {
    const { n, context } = await setUp("checks");
    await expect(
      n.deliver(
        { ...context, authToken: "stale" },
        "01JGATE",
        event("completed", { state: "passed" }),
        "fail",
      ),
    ).rejects.toThrow(/HTTP 401/);
    expect(ado!.completions()).toEqual([]);
  });
});
