// One-call analyses and manual stage gates against `coalmine serve`: `POST /api/analyses?wait=PT60S` answers 200 with the final status when
// the analysis ends within the wait, 202 as without it otherwise, and 400 naming `wait` when it is bad or too long.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, call, poll, serve } from "./http-serve-helpers";

let app: RunningServe;
beforeAll(async () => {
  app = await serve();
});
afterAll(async () => {
  await app?.close();
});

describe("POST /api/analyses?wait=", () => {
  it("answers 200 with the final status and verdict when a retrospective analysis ends within the wait", async () => {
    const r = await call(app.url, "POST", "/api/analyses?wait=PT60S", baseRequest());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: "passed", verdict: "pass", application: "checkout" });
    expect(r.body.judgements).toHaveLength(2);
    expect(r.headers.get("location")).toBe(`/api/analyses/${r.body.id}`);
    const again = await call(app.url, "GET", `/api/analyses/${r.body.id}`);
    expect(again.body).toMatchObject({ state: "passed", verdict: "pass", score: r.body.score });
  });

  it("answers 202 as before when the analysis is still running at the end of the wait", async () => {
    const live = { ...baseRequest(), startTime: new Date().toISOString() }; // windows in the future: waits
    const r = await call(app.url, "POST", "/api/analyses?wait=PT1S", live);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: expect.any(String), statusUrl: expect.any(String) });
    const status = await call(app.url, "GET", `/api/analyses/${r.body.id}`);
    expect(["pending", "running"]).toContain(status.body.state);
    expect((await call(app.url, "DELETE", `/api/analyses/${r.body.id}`)).status).toBe(202);
  });

  it("refuses a wait that is not a duration or is longer than PT60S, naming it, before starting anything", async () => {
    for (const [wait, message] of [
      ["PT61S", "must be at most PT1M"],
      ["soon", "must be an ISO 8601 duration such as PT60S"],
    ] as const) {
      const r = await call(app.url, "POST", `/api/analyses?wait=${wait}`, baseRequest());
      expect(r.status).toBe(400);
      expect(r.contentType).toContain("application/problem+json");
      expect(r.body.errors).toEqual([{ path: "query:wait", message }]);
    }
    const listed = await call(app.url, "GET", "/api/analyses?limit=500");
    expect(listed.body.items).toHaveLength(2); // only the two started above (tests in a file run in order)
  });
});

describe("a manual stage gate through the HTTP API", () => {
  const gated = () => {
    const req = baseRequest();
    req.stages = [
      { name: "10%", trafficWeight: 10, duration: "PT10M", interval: "PT10M", approval: { required: true } },
      { name: "33%", trafficWeight: 33, duration: "PT10M", interval: "PT10M" },
    ];
    return req;
  };

  it("waits naming the next stage, the report says how to decide, and a reject says who aborted it", async () => {
    const started = await call(app.url, "POST", "/api/analyses", gated());
    const id = started.body.id as string;
    const waiting = await poll(app.url, id, (s) => s.state === "awaiting-decision" || s.state === "failed");
    expect(waiting.state).toBe("awaiting-decision");
    expect(waiting.reason).toContain("approve to start stage '33%' at 33 % traffic");
    const report = await call(app.url, "GET", `/api/analyses/${id}/report`);
    expect(report.text).toContain("A person's decision is awaited");
    expect(report.text).toContain(`POST /api/analyses/${id}/decision`);
    const decided = await call(
      app.url,
      "POST",
      `/api/analyses/${id}/decision`,
      { action: "reject", reason: "not during the sale" },
      { "x-ms-client-principal-name": "carol@example.com" },
    );
    expect(decided.status).toBe(202);
    const done = await poll(app.url, id);
    expect(done).toMatchObject({ state: "failed", verdict: "fail" });
    expect(done.reason).toBe(
      "aborted by a person (carol@example.com): not during the sale; stage '33%' was not started",
    );
  });

  it("refuses a gate on the last stage, naming it", async () => {
    const req = gated();
    req.stages[1].approval = { required: true };
    const r = await call(app.url, "POST", "/api/analyses", req);
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual({
      path: "$.stages[1].approval",
      message: "the last stage has no next stage to approve (a gate holds the next stage)",
    });
  });
});
