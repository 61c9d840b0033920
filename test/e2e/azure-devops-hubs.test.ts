// `coalmine serve` as an Azure DevOps environment check and a classic release gate, against the fake Azure DevOps:
// the call is answered before the analysis ends, and TaskCompleted carries the identifiers each hub expects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { ADO_IDS, startFakeAzureDevOps, type FakeAzureDevOps } from "../helpers/fake-azure-devops";
import { baseRequest, call, poll, serve } from "./http-serve-helpers";

let app: RunningServe;
let ado: FakeAzureDevOps;
const EMPTY = "00000000-0000-0000-0000-000000000000";

beforeAll(async () => {
  ado = await startFakeAzureDevOps();
  app = await serve({ COALMINE_OUTBOUND_ALLOWLIST: ado.origin, COALMINE_SECRET_KEY: "4e".repeat(32) });
});
afterAll(async () => {
  await app?.close();
  await ado?.close();
});

async function completionsAfter(count: number) {
  for (let i = 0; i < 200 && ado.completions().length + ado.refusedCompletions().length < count; i++)
    await new Promise((r) => setTimeout(r, 50));
  return ado.completions();
}

describe("Azure DevOps hubs through coalmine serve", () => {
  it("an environment check is answered before the analysis ends, then completed with the job's identifiers", async () => {
    const live = {
      ...baseRequest(),
      startTime: new Date().toISOString(), // a live window: nothing can be judged before the answer
      stages: [{ name: "10%", duration: "PT2S", interval: "PT2S" }],
      scopes: { default: { ...baseRequest().scopes.default, step: "PT1S" } },
      ingestionLag: "PT1S",
    };
    const answer = await call(
      app.url,
      "POST",
      "/api/analyses",
      live,
      ado.taskHeaders("check-token", "checks"),
    );
    expect(answer.status).toBe(202);
    expect(ado.completions()).toEqual([]); // answered first
    const done = await poll(app.url, answer.body.id);
    expect(done.state).not.toBe("passed"); // no recorded data in a live window: never a pass
    expect(await completionsAfter(1)).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.jobId, taskId: ADO_IDS.taskInstanceId, result: "failed" },
    ]);
    expect(ado.refusedCompletions()).toEqual([]);
  });

  it("a classic release gate on a version-12 plan completes with TaskInstanceId as jobId and the empty taskId", async () => {
    ado.completions().splice(0);
    const answer = await call(
      app.url,
      "POST",
      "/api/analyses",
      baseRequest(),
      ado.taskHeaders("gate-token", "Gates"),
    );
    expect(answer.status).toBe(202);
    expect((await poll(app.url, answer.body.id)).state).toBe("passed");
    expect(await completionsAfter(1)).toEqual([
      { name: "TaskCompleted", jobId: ADO_IDS.taskInstanceId, taskId: EMPTY, result: "succeeded" },
    ]);
    expect(ado.refusedCompletions()).toEqual([]);
    expect(ado.stray()).toEqual([]);
    const gateRequests = ado.requests.filter((r) => r.path.includes("/hubs/Gates/"));
    expect(gateRequests.some((r) => r.path.includes("/feed"))).toBe(false); // no job timeline for gates
    expect(gateRequests.filter((r) => r.method === "GET")).toHaveLength(1); // the plan version, once
  });
});
