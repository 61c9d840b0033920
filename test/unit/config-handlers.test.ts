// Canary config CRUD handlers over the in-memory ConfigStore: status codes, ETags, versions and problem+json bodies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ApiRequest, ApiResponse } from "../../src/http/api-types";
import { configHandlers, type ConfigHandlerDeps } from "../../src/http/config-handlers";
import { toProblem } from "../../src/http/problem";
import { Router, runHandler } from "../../src/http/router";
import { InvalidContinuationTokenError, StoreError, StoreUnavailableError } from "../../src/store/errors";
import { MemoryConfigStore } from "../../src/store/memory-config-store";
import type { ConfigStore } from "../../src/analysis/ports/store";

const fixtures = join(__dirname, "..", "fixtures", "configs");
const validText = readFileSync(join(fixtures, "valid", "kayenta-golden-signals.config.json"), "utf8");
const invalidText = readFileSync(join(fixtures, "invalid", "config-bad-values.json"), "utf8");

function request(
  method: string,
  params: Record<string, string> = {},
  options: { body?: string; headers?: Record<string, string>; query?: string } = {},
): ApiRequest {
  const path =
    params.application !== undefined
      ? `/api/canary-configs/${params.application}/${params.name ?? ""}`
      : "/api/canary-configs";
  return {
    method,
    path,
    params,
    query: new URLSearchParams(options.query ?? ""),
    headers: options.headers ?? {},
    rawBody: options.body ?? "",
    baseUrl: "http://localhost:7071",
  };
}

// Each handler as the router runs it: errors become problems through toProblem.
const logged: unknown[] = [];
const viaRouter =
  (name: keyof typeof configHandlers) =>
  (req: ApiRequest, d: ConfigHandlerDeps): Promise<ApiResponse> =>
    runHandler(configHandlers[name], req, d, (_message, error) => logged.push(error));
const putConfig = viaRouter("putConfig");
const getConfig = viaRouter("getConfig");
const deleteConfig = viaRouter("deleteConfig");
const listConfigs = viaRouter("listConfigs");

const at = { application: "checkout", name: "golden" };
const fixedClock = () => new Date("2026-03-01T12:00:00.000Z");
const deps = () => ({ configs: new MemoryConfigStore(fixedClock) });
const headerOf = (response: ApiResponse, name: string): string | undefined => response.headers?.[name];

describe("canary config handlers", () => {
  it("creates (201 + Location + ETag), reads, updates with If-Match and lists", async () => {
    const d = deps();
    const created = await putConfig(request("PUT", at, { body: validText }), d);
    expect(created.status).toBe(201);
    expect(headerOf(created, "location")).toBe("http://localhost:7071/api/canary-configs/checkout/golden");
    const etag1 = headerOf(created, "etag") ?? "";
    expect(created.body).toEqual({
      application: "checkout",
      name: "golden",
      version: 1,
      etag: etag1,
      updatedAt: "2026-03-01T12:00:00.000Z",
      warnings: [],
    });

    const read = await getConfig(request("GET", at), d);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(JSON.parse(validText));
    expect(headerOf(read, "etag")).toBe(etag1);
    expect(headerOf(read, "x-coalmine-config-version")).toBe("1");
    const notModified = await getConfig(request("GET", at, { headers: { "if-none-match": etag1 } }), d);
    expect(notModified.status).toBe(304);

    const updated = await putConfig(
      request("PUT", at, { body: validText, headers: { "if-match": etag1 } }),
      d,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2 });
    expect(headerOf(updated, "etag")).not.toBe(etag1);

    const listed = await listConfigs(request("GET"), d);
    expect(listed).toEqual({
      status: 200,
      body: {
        items: [
          {
            application: "checkout",
            name: "golden",
            version: 2,
            etag: headerOf(updated, "etag"),
            updatedAt: "2026-03-01T12:00:00.000Z",
            url: "/api/canary-configs/checkout/golden",
          },
        ],
      },
    });
    const other = await listConfigs(request("GET", {}, { query: "application=search" }), d);
    expect(other.body).toEqual({ items: [] });
  });

  it("answers 409 for a stale If-Match on PUT and DELETE, and 412 for If-None-Match: * on an existing config", async () => {
    const d = deps();
    const first = await putConfig(request("PUT", at, { body: validText }), d);
    const etag1 = headerOf(first, "etag") ?? "";
    await putConfig(request("PUT", at, { body: validText, headers: { "if-match": etag1 } }), d);

    const stale = await putConfig(request("PUT", at, { body: validText, headers: { "if-match": etag1 } }), d);
    expect(stale.status).toBe(409);
    expect(headerOf(stale, "content-type")).toBe("application/problem+json");
    expect(stale.body).toMatchInlineSnapshot(`
      {
        "detail": "canary config checkout/golden was changed (version 2); ETag W/"mem-1" is stale",
        "instance": "/api/canary-configs/checkout/golden",
        "status": 409,
        "title": "Conflict",
        "type": "about:blank",
      }
    `);
    const staleDelete = await deleteConfig(request("DELETE", at, { headers: { "if-match": etag1 } }), d);
    expect(staleDelete.status).toBe(409);
    const createOnly = await putConfig(
      request("PUT", at, { body: validText, headers: { "if-none-match": "*" } }),
      d,
    );
    expect(createOnly.status).toBe(412);
    expect((await getConfig(request("GET", at), d)).headers?.["x-coalmine-config-version"]).toBe("2");
  });

  it("answers 404 for unknown configs and 204 for a delete", async () => {
    const d = deps();
    expect((await getConfig(request("GET", at), d)).status).toBe(404);
    expect((await deleteConfig(request("DELETE", at), d)).status).toBe(404);
    await putConfig(request("PUT", at, { body: validText }), d);
    expect(await deleteConfig(request("DELETE", at), d)).toEqual({ status: 204 });
    const gone = await getConfig(request("GET", at), d);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ detail: "No canary config checkout/golden" });
  });

  it("rejects an invalid config with 400 problem+json listing every path, and stores nothing", async () => {
    const d = deps();
    const response = await putConfig(request("PUT", at, { body: invalidText }), d);
    expect(response.status).toBe(400);
    expect(headerOf(response, "content-type")).toBe("application/problem+json");
    const body = response.body as {
      type: string;
      title: string;
      errors: { path: string; message: string }[];
    };
    expect(body.type).toBe("about:blank");
    expect(body.title).toBe("Bad Request");
    expect(body.errors.length).toBeGreaterThan(1);
    for (const e of body.errors) expect(e.path).toMatch(/^\$/);
    expect(await d.configs.get("checkout", "golden")).toBeUndefined();
  });

  it("rejects malformed JSON and bad path keys with 400", async () => {
    const d = deps();
    const malformed = await putConfig(request("PUT", at, { body: '{"name": ' }), d);
    expect(malformed.status).toBe(400);
    expect((malformed.body as { detail: string }).detail).toMatch(/^Malformed JSON/);
    const badKey = await getConfig(request("GET", { application: "check out", name: "x" }), d);
    expect(badKey.status).toBe(400);
    expect(badKey.body).toMatchObject({
      detail:
        "application \"check out\" is invalid: use 1-128 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
    });
    expect((await listConfigs(request("GET", {}, { query: "application=a/b" }), d)).status).toBe(400);
  });

  it("answers 503 with Retry-After when storage is unavailable, and lets other failures reach the router", async () => {
    const failing = (error: Error): ConfigStore => ({
      get: () => Promise.reject(error),
      put: () => Promise.reject(error),
      delete: () => Promise.reject(error),
      list: () => Promise.reject(error),
    });
    const unavailable = await getConfig(request("GET", at), {
      configs: failing(new StoreUnavailableError("reading: storage unreachable (ECONNREFUSED)")),
    });
    expect(unavailable.status).toBe(503);
    expect(headerOf(unavailable, "retry-after")).toBe("5");
    expect(unavailable.body).toMatchObject({ detail: "Storage is unavailable; try again shortly" });
    // An unexpected storage error is logged and answered 500, its message kept from the client.
    const corrupt = new StoreError("corrupt row");
    const failed = await putConfig(request("PUT", at, { body: validText }), { configs: failing(corrupt) });
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain("corrupt row");
    expect(logged).toContain(corrupt);
    expect(toProblem(new Error("bug"))).toBeUndefined();
  });

  it("exposes the handlers by route name", () => {
    expect(Object.keys(configHandlers).sort()).toEqual([
      "deleteConfig",
      "getConfig",
      "listConfigs",
      "putConfig",
    ]);
  });

  it("lets the router answer storage errors from any handler as problems, not 500", async () => {
    const failWith = (error: Error) => async (): Promise<ApiResponse> => {
      throw error;
    };
    const logged: unknown[] = [];
    const router = new Router<unknown>(
      [
        {
          name: "token",
          methods: ["GET"],
          pattern: "/api/token",
          authLevel: "function",
          summary: "",
          handler: failWith(new InvalidContinuationTokenError("continuation token is malformed")),
        },
        {
          name: "down",
          methods: ["GET"],
          pattern: "/api/down",
          authLevel: "function",
          summary: "",
          handler: failWith(new StoreUnavailableError("storage unreachable")),
        },
        {
          name: "bug",
          methods: ["GET"],
          pattern: "/api/bug",
          authLevel: "function",
          summary: "",
          handler: failWith(new StoreError("corrupt row")),
        },
      ],
      { logError: (_m, e) => logged.push(e) },
    );
    const call = (path: string) =>
      router.handle(
        { method: "GET", path, query: new URLSearchParams(), headers: {}, rawBody: "", baseUrl: "http://x" },
        {},
      );
    const token = await call("/api/token");
    expect([token.status, (token.body as { detail: string }).detail]).toEqual([
      400,
      "continuation token is malformed",
    ]);
    const down = await call("/api/down");
    expect([down.status, down.headers?.["retry-after"]]).toEqual([503, "5"]);
    expect((await call("/api/bug")).status).toBe(500);
    expect(logged).toHaveLength(1);
  });
});
