// One-call analyses against `coalmine serve`: `POST /api/analyses?wait=PT60S` answers 200 with the final status when
// the analysis ends within the wait, 202 as without it otherwise, and 400 naming `wait` when it is bad or too long.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, call, serve } from "./http-serve-helpers";

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
    expect(listed.body.items).toHaveLength(2); // only the two started above
  });
});
