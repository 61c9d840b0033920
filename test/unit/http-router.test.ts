// The router and body parsing: matching, 404/405/413/500 problems, malformed JSON positions, zod paths, OpenAPI.
import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { toApiRequest, toHttpResponse } from "../../src/http/azure-functions-adapter";
import { jsonErrorPosition } from "../../src/http/json-error-position";
import { parseJsonBody } from "../../src/http/json-body";
import { openApiDocument } from "../../src/http/openapi";
import { ProblemError, jsonPath } from "../../src/http/problem";
import { Router, type Route } from "../../src/http/router";
import { ROUTES } from "../../src/http/routes";

const req = (method: string, path: string, rawBody = "") => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: {},
  rawBody,
  baseUrl: "http://localhost",
});

const routes: Route<null>[] = [
  {
    name: "a",
    methods: ["GET"],
    pattern: "/api/things/{id}",
    authLevel: "function",
    summary: "",
    handler: async (r) => ({ status: 200, body: r.params }),
  },
  {
    name: "b",
    methods: ["POST"],
    pattern: "/api/boom",
    authLevel: "function",
    summary: "",
    handler: async () => {
      throw new Error("secret internals at /src/x.ts:10");
    },
  },
  {
    name: "c",
    methods: ["POST"],
    pattern: "/api/json",
    authLevel: "function",
    summary: "",
    handler: async (r) => ({ status: 200, body: parseJsonBody(r) }),
  },
];

describe("Router", () => {
  const logged: unknown[] = [];
  const router = new Router(routes, { bodyLimit: 100, logError: (_m, e) => logged.push(e) });

  it("matches parameters (decoded) and a trailing slash", async () => {
    expect((await router.handle(req("GET", "/api/things/a%20b/"), null)).body).toEqual({ id: "a b" });
  });

  it("answers 404, 405 with Allow, 413 over the limit", async () => {
    expect((await router.handle(req("GET", "/api/nope"), null)).status).toBe(404);
    const wrong = await router.handle(req("DELETE", "/api/things/1"), null);
    expect(wrong).toMatchObject({ status: 405, headers: { allow: "GET" } });
    expect((await router.handle(req("POST", "/api/json", "x".repeat(101)), null)).status).toBe(413);
  });

  it("turns an unexpected error into a 500 problem without its message, and logs it", async () => {
    const res = await router.handle(req("POST", "/api/boom"), null);
    expect(res.status).toBe(500);
    expect(res.headers?.["content-type"]).toBe("application/problem+json");
    expect(JSON.stringify(res.body)).not.toContain("secret internals");
    expect(logged).toHaveLength(1);
  });
});

describe("malformed JSON", () => {
  it.each([
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ["[1, 2", 5],
    ['{"a": tru}', 9],
    ['"\\x"', 2],
    ["01", 1],
    ['{"a":1} x', 8],
  ])("%s breaks at %i", (text, position) => {
    expect(jsonErrorPosition(text)).toBe(position);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("valid JSON has no error position", () => {
    expect(jsonErrorPosition('{"a": [1, -2.5e3, "\\u00e9", true, null]}')).toBeUndefined();
  });

  it("reports position, line and column in the 400", () => {
    const err = (() => {
      try {
        parseJsonBody({ rawBody: '{\n  "a": 1\n  "b": 2\n}' });
      } catch (e) {
        return e;
      }
    })() as ProblemError;
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.problem).toMatchObject({ status: 400, position: 13, line: 3, column: 3 });
  });
});

describe("jsonPath", () => {
  it("writes JSONPath with brackets for odd keys", () => {
    expect(jsonPath(["stages", 0, "interval"])).toBe("$.stages[0].interval");
    expect(jsonPath(["scopes", "my scope"])).toBe('$.scopes["my scope"]');
  });
});

describe("OpenAPI", () => {
  it("is OpenAPI 3.1 with every route and the zod schemas as components", () => {
    const doc = openApiDocument(ROUTES) as any;
    expect(doc.openapi).toBe("3.1.0");
    for (const r of ROUTES)
      for (const m of r.methods) expect(doc.paths[r.pattern][m.toLowerCase()].operationId).toBe(r.name);
    expect(doc.components.schemas.AnalysisRequest.properties.stages.type).toBe("array");
    expect(doc.components.schemas.AnalysisRequest.additionalProperties).toBe(false);
    expect(doc.paths["/api/analyses"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/AnalysisRequest",
    );
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g)!;
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
  });
});

describe("Azure Functions adapter", () => {
  it("turns a real HttpRequest into an ApiRequest and a response back", async () => {
    const request = new HttpRequest({
      method: "POST",
      url: "https://app.azurewebsites.net/api/analyses?code=k",
      headers: { "Content-Type": "application/json", PlanUrl: "https://dev.azure.com/org/" },
      body: { string: '{"a":1}' },
    });
    const api = await toApiRequest(request);
    expect(api).toMatchObject({
      method: "POST",
      path: "/api/analyses",
      rawBody: '{"a":1}',
      // Links are never built from the request's host (docs/security.md): the trusted base is passed in.
      baseUrl: "",
    });
    const again = new HttpRequest({ method: "GET", url: "https://evil.example/api/analyses" });
    expect(await toApiRequest(again, undefined, "https://coalmine.example")).toMatchObject({
      baseUrl: "https://coalmine.example",
    });
    expect((api as any).headers.planurl).toBe("https://dev.azure.com/org/");
    expect(toHttpResponse({ status: 202, body: { id: "x" } })).toEqual({
      status: 202,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: '{"id":"x"}',
    });
    const big = await toApiRequest(
      new HttpRequest({ method: "POST", url: "https://x/api/analyses", body: { string: "x".repeat(50) } }),
      10,
    );
    expect((big as any).tooLarge.status).toBe(413);
    expect(new InvocationContext({ functionName: "analysesStart" }).functionName).toBe("analysesStart");
  });
});
