// A table of bad requests through `coalmine serve`: every one answers 4xx application/problem+json, and the server keeps serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, call, poll, serve } from "./http-serve-helpers";

let app: RunningServe;
let base: string;
let finishedId: string;

beforeAll(async () => {
  app = await serve();
  base = app.url;
  const started = await call(base, "POST", "/api/analyses", baseRequest());
  finishedId = started.body.id;
  await poll(base, finishedId);
});
afterAll(async () => {
  await app?.close();
});

const withKey = (key: string, value: unknown) => ({ ...baseRequest(), [key]: value });

type Case = [
  name: string,
  method: string,
  path: string | (() => string),
  body: unknown,
  status: number,
  check?: (problem: any) => void,
];

const CASES: Case[] = [
  [
    "malformed JSON",
    "POST",
    "/api/analyses",
    '{"application": "checkout",, }',
    400,
    (p) => {
      expect(p.detail).toMatch(/^Malformed JSON at position 27 \(line 1, column 28\)/);
      expect(p.position).toBe(27);
    },
  ],
  ["truncated JSON", "POST", "/api/analyses", '{"application": ', 400, (p) => expect(p.position).toBe(16)],
  ["empty body", "POST", "/api/analyses", "", 400, (p) => expect(p.detail).toMatch(/empty/)],
  ["JSON that is not an object", "POST", "/api/analyses", "[1,2]", 400],
  [
    "wrong types",
    "POST",
    "/api/analyses",
    withKey("stages", [{ duration: 5 }]),
    400,
    (p) =>
      expect(p.errors).toContainEqual({
        path: "$.stages[0].duration",
        message: expect.stringMatching(/string/),
      }),
  ],
  [
    "unknown key",
    "POST",
    "/api/analyses",
    withKey("tresholds", { pass: 90 }),
    400,
    (p) =>
      expect(p.errors).toContainEqual({ path: "$.tresholds", message: expect.stringMatching(/unknown key/) }),
  ],
  [
    "cross-field rule (marginal above pass)",
    "POST",
    "/api/analyses",
    withKey("thresholds", { pass: 50, marginal: 90 }),
    400,
    (p) => expect(p.errors.map((e: any) => e.path).join(" ")).toMatch(/thresholds/),
  ],
  [
    "huge body",
    "POST",
    "/api/analyses",
    JSON.stringify({ application: "x", pad: "x".repeat(2 * 1024 * 1024) }),
    413,
  ],
  ["unknown analysis id", "GET", "/api/analyses/01JNOSUCHANALYSIS000000000", undefined, 404],
  ["id with odd characters", "GET", "/api/analyses/..%2F..%2Fetc", undefined, 404],
  ["report of an unknown id", "GET", "/api/analyses/01JNOSUCH/report", undefined, 404],
  ["decision for an unknown id", "POST", "/api/analyses/01JNOSUCH/decision", { action: "approve" }, 404],
  [
    "decision for an analysis not awaiting one",
    "POST",
    () => `/api/analyses/${finishedId}/decision`,
    { action: "approve" },
    409,
  ],
  [
    "decision with a bad action",
    "POST",
    () => `/api/analyses/${finishedId}/decision`,
    { action: "maybe" },
    400,
    (p) => expect(p.errors[0].path).toBe("$.action"),
  ],
  ["cancel an unknown id", "DELETE", "/api/analyses/01JNOSUCH", undefined, 404],
  ["cancel a finished analysis", "DELETE", () => `/api/analyses/${finishedId}`, undefined, 409],
  [
    "list with a bad status",
    "GET",
    "/api/analyses?status=exploded",
    undefined,
    400,
    (p) => expect(p.errors[0].path).toBe("$.status"),
  ],
  ["list with a bad limit", "GET", "/api/analyses?limit=-3", undefined, 400],
  ["unknown route", "GET", "/api/nothing-here", undefined, 404],
  ["wrong method", "PATCH", "/api/analyses", {}, 405],
  ["Azure DevOps headers incomplete", "POST", "/api/analyses", baseRequest(), 400],
  [
    "Kayenta start with a bad body",
    "POST",
    "/api/standalone_canary_analysis",
    { canaryConfig: {}, executionRequest: { scopes: [] } },
    400,
  ],
  [
    "Kayenta start with a misspelled key (Kayenta would drop it silently)",
    "POST",
    "/api/standalone_canary_analysis",
    {
      canaryConfig: {
        name: "x",
        metrics: [{ name: "m", query: { type: "prometheus", metricName: "up" }, groups: ["g"] }],
      },
      executionRequest: {
        scopes: [{ controlScope: "a", experimentScope: "b" }],
        lifetimeDurationMins: 10,
        lookBackMins: 5,
      },
    },
    400,
    (p) => {
      const e = p.errors.find((x: { path: string }) => x.path === "$.executionRequest.lookBackMins");
      expect(e?.message).toContain("lookbackMins");
    },
  ],
  [
    "Kayenta start with a time on a later scope (Kayenta ignores it silently)",
    "POST",
    "/api/standalone_canary_analysis",
    {
      canaryConfig: {
        name: "x",
        metrics: [{ name: "m", query: { type: "prometheus", metricName: "up" }, groups: ["g"] }],
      },
      executionRequest: {
        scopes: [
          { controlScope: "a", experimentScope: "b" },
          {
            scopeName: "edge",
            controlScope: "c",
            experimentScope: "d",
            startTimeIso: "2026-11-23T10:00:00Z",
          },
        ],
        lifetimeDurationMins: 10,
      },
    },
    400,
    (p) =>
      expect(p.errors.map((e: { path: string }) => e.path)).toContain(
        "$.executionRequest.scopes[1].startTimeIso",
      ),
  ],
  ["Kayenta status of an unknown id", "GET", "/api/standalone_canary_analysis/01JNOSUCH", undefined, 404],
  [
    "Kayenta start with an unknown stored config",
    "POST",
    "/api/standalone_canary_analysis/nope",
    { scopes: [{ controlScope: "a", experimentScope: "b" }], lifetimeDurationMins: 10 },
    404,
  ],
  [
    "judge with malformed pairs",
    "POST",
    "/api/judge",
    { canaryConfig: { name: "x", metrics: [] }, metricSetPairs: "no" },
    400,
  ],
  ["config with a bad body", "PUT", "/api/canary-configs/checkout/golden", { name: "x" }, 400],
];

describe("bad requests", () => {
  it.each(CASES)("%s (%s %s)", async (_name, method, path, body, status, check) => {
    const headers: Record<string, string> = _name.startsWith("Azure DevOps")
      ? { PlanUrl: "https://dev.azure.com/org/", AuthToken: "t" }
      : {};
    const res = await call(base, method, typeof path === "function" ? path() : path, body, headers);
    expect(res.status).toBe(status);
    expect(res.contentType).toContain("application/problem+json");
    expect(res.body).toMatchObject({ type: "about:blank", status, title: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/); // no stack traces
    check?.(res.body);
  });

  it("keeps serving after all of them", async () => {
    const started = await call(base, "POST", "/api/analyses", baseRequest());
    expect(started.status).toBe(202);
    expect((await poll(base, started.body.id)).state).toBe("passed");
    const doc = await call(base, "GET", "/api/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
  });
});
