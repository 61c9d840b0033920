// The Azure composition root's HTTP entry with unusable settings: a 503 problem naming the setting (never its value).
import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const KEYS = ["COALMINE_STORAGE", "COALMINE_RETENTION", "COALMINE_PUBLIC_URL", "WEBSITE_HOSTNAME"] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  // The worker parses its settings once (on first use): each test is a fresh worker.
  vi.resetModules();
});
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function get(path: string) {
  const request = new HttpRequest({ method: "GET", url: `http://localhost:7071${path}` });
  const { handleAzureHttp } = await import("../../src/app/azure");
  const response = await handleAzureHttp(request, new InvocationContext({ functionName: "api" }));
  const text = typeof response.body === "string" ? response.body : "";
  return { ...response, text, json: JSON.parse(text) as unknown };
}

/** A 503 problem naming the unusable setting in `detail`. */
function expectUnavailable(response: { status?: number; json: unknown }, detail: string): void {
  expect(response.status).toBe(503);
  expect(response.json).toEqual({ type: "about:blank", title: "Service Unavailable", status: 503, detail });
}

describe("handleAzureHttp with unusable settings", () => {
  it("COALMINE_STORAGE unset: 503 naming it", async () => {
    const response = await get("/api/analyses/01J00000000000000000000000");
    expect(response.headers).toEqual({ "content-type": "application/problem+json" });
    expectUnavailable(
      response,
      "COALMINE_STORAGE is not set (a connection string or a storage account name)",
    );
  });

  it("a setting that does not parse: 503 naming the setting and its problem", async () => {
    process.env.COALMINE_STORAGE = "coalminestore";
    process.env.COALMINE_RETENTION = "soon";
    expectUnavailable(
      await get("/api/analyses"),
      "COALMINE_RETENTION: must be a positive ISO 8601 duration such as P30D",
    );
  });

  it("a storage connection string that cannot be used: 503 naming the problem, without the key", async () => {
    process.env.COALMINE_STORAGE = "AccountKey=c2VjcmV0LWtleQ==;TableEndpoint=http://127.0.0.1:1/x";
    const response = await get("/api/analyses");
    expectUnavailable(
      response,
      "COALMINE_STORAGE connection string names neither AccountName nor both TableEndpoint and BlobEndpoint",
    );
    expect(response.text).not.toContain("c2VjcmV0");
  });
});
