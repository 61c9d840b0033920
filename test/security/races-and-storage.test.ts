// Races and storage faults: create-only writes are atomic on Azurite (Table createEntity, Blob If-None-Match: *),
// a misconfigured storage account is a 503 problem naming the cause without secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe, type RunningServe } from "../../src/cli/commands/serve";
import { PreconditionFailedError } from "../../src/store/errors";
import { MemoryArtifactStore } from "../../src/store/memory-artifact-store";
import { azuriteConnectionString, testStorage } from "../helpers/azurite";
import { ROOT, baseRequest, call } from "../e2e/http-serve-helpers";

const config = (i: number) => ({ ...baseRequest().canaryConfig, description: `writer ${i}` });

describe("If-None-Match: * against Azurite: exactly one of 20 concurrent creators wins", () => {
  let app: RunningServe;
  beforeAll(async () => {
    const { prefix } = testStorage("race");
    app = await startServe({
      port: 0,
      host: "127.0.0.1",
      cwd: ROOT,
      storage: azuriteConnectionString(),
      env: {
        COALMINE_STORAGE_PREFIX: prefix,
        COALMINE_METRICS_ACCOUNTS: "@test/fixtures/http/accounts.json",
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([1, 2, 3])("round %i: one 201, nineteen 412, the winner's content kept", async (round) => {
    const at = `/api/canary-configs/checkout/race-${round}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(app.url, "PUT", at, config(i), { "if-none-match": "*" })),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 412);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.contentType).toContain("application/problem+json");
    const winner = answers.indexOf(created[0]!);
    const stored = await call(app.url, "GET", at);
    expect(stored.body.description).toBe(`writer ${winner}`);
    expect(stored.headers.get("x-coalmine-config-version")).toBe("1");
  });

  it("Blob create-only: one of 20 concurrent writers of a path succeeds", async () => {
    const { stores } = testStorage("blobrace");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        stores.artifacts.putJson("race/one.json", { i }, { createOnly: true }),
      ),
    );
    const won = results.findIndex((r) => r.status === "fulfilled");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    expect(await stores.artifacts.getJson("race/one.json")).toEqual({ i: won });
  });

  it("the memory store keeps the same contract", async () => {
    const store = new MemoryArtifactStore();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.putJson("a.json", { i }, { createOnly: true })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("storage misconfiguration is a 503 problem naming the cause, without secrets", () => {
  it("a wrong account key", async () => {
    const good = azuriteConnectionString();
    const wrongKey = Buffer.alloc(64, 7).toString("base64");
    const bad = good.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`);
    const lines: string[] = [];
    const app = await startServe({
      port: 0,
      host: "127.0.0.1",
      cwd: ROOT,
      storage: bad,
      env: { COALMINE_STORAGE_PREFIX: testStorage("badkey").prefix },
      log: (l) => lines.push(l),
    });
    try {
      for (const [method, path, body] of [
        ["GET", "/api/analyses", undefined],
        ["GET", "/api/canary-configs", undefined],
        ["PUT", "/api/canary-configs/checkout/x", baseRequest().canaryConfig],
        ["POST", "/api/analyses", baseRequest()],
      ] as const) {
        const res = await call(app.url, method, path, body);
        expect(res.status, `${method} ${path}: ${res.text}`).toBe(503);
        expect(res.contentType).toContain("application/problem+json");
        expect(res.body.detail).toMatch(/misconfigured.*refused Coalmine's credentials/);
        expect(res.text).not.toContain(wrongKey);
        expect(res.text).not.toMatch(/AccountKey|SharedKey|Signature=/);
      }
    } finally {
      await app.close();
    }
  });
});
