// COALMINE_SECRET_KEY (256-bit, Key Vault references refused, rotation, fail closed), and one-line reasons: no
// stack ever reaches an analysis reason or a notification warning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox, SecretKeyError, secretKeyFrom } from "../../src/notify/secret-box";
import { createLocalApp, type LocalApp } from "../../src/app/local";
import { parseSettings } from "../../src/app/settings";
import { baseRequest, call, serve } from "../e2e/http-serve-helpers";
import { request as harnessRequest, scriptedJudge } from "../integration/orchestration-harness";

const HEX = "ab".repeat(32);
const B64 = Buffer.alloc(32, 9).toString("base64");
/** The SecretBox the app makes from these settings (parsed by src/app/settings.ts, as the hosts do). */
const boxFrom = (env: Record<string, string>): SecretBox => {
  const settings = parseSettings(env);
  return SecretBox.fromSetting(settings.secretKey, settings.secretKeyPrevious);
};

describe("COALMINE_SECRET_KEY", () => {
  it.each([
    ["64 hex characters", HEX],
    ["base64 of 32 bytes", B64],
    ["base64 without padding", B64.replace(/=+$/, "")],
    ["base64url", Buffer.alloc(32, 0xfb).toString("base64url")],
  ])("accepts %s", (_label, value) => {
    expect(secretKeyFrom(value)).toHaveLength(32);
  });

  it.each([
    [
      "an unresolved Key Vault reference",
      "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/k/)",
      /unresolved Key Vault reference/,
    ],
    [
      "a Key Vault reference by name",
      "@Microsoft.KeyVault(VaultName=kv;SecretName=k)",
      /unresolved Key Vault reference/,
    ],
    ["a passphrase", "correct horse battery staple", /not a 256-bit key/],
    ["128 bits of hex", "ab".repeat(16), /not a 256-bit key/],
    ["base64 of 31 bytes", Buffer.alloc(31, 1).toString("base64"), /not a 256-bit key/],
    ["base64 of 33 bytes", Buffer.alloc(33, 1).toString("base64"), /not a 256-bit key/],
    ["blank", "   ", /is not set/],
  ])("refuses %s, naming the setting", (_label, value, message) => {
    expect(() => secretKeyFrom(value)).toThrow(SecretKeyError);
    expect(() => secretKeyFrom(value)).toThrow(/COALMINE_SECRET_KEY/);
    expect(() => secretKeyFrom(value)).toThrow(message);
  });

  it("opens tokens sealed before a rotation with COALMINE_SECRET_KEY_PREVIOUS, seals with the new key", () => {
    const old = boxFrom({ COALMINE_SECRET_KEY: HEX });
    const sealed = old.seal("ado-token", "azure-devops:01J");
    const rotated = boxFrom({ COALMINE_SECRET_KEY: B64, COALMINE_SECRET_KEY_PREVIOUS: HEX });
    expect(rotated.open(sealed, "azure-devops:01J")).toBe("ado-token");
    const resealed = rotated.seal("ado-token", "azure-devops:01J");
    expect(() => old.open(resealed, "azure-devops:01J")).toThrow(SecretKeyError);
    expect(boxFrom({ COALMINE_SECRET_KEY: B64 }).open(resealed, "azure-devops:01J")).toBe("ado-token");
    expect(() => boxFrom({ COALMINE_SECRET_KEY: B64 }).open(sealed, "azure-devops:01J")).toThrow(
      /wrong key or tampered/,
    );
    expect(() =>
      boxFrom({ COALMINE_SECRET_KEY: B64, COALMINE_SECRET_KEY_PREVIOUS: "@Microsoft.KeyVault(x)" }),
    ).toThrow(/COALMINE_SECRET_KEY_PREVIOUS is an unresolved Key Vault reference/);
  });

  const adoHeaders = {
    PlanUrl: "https://dev.azure.com/org/",
    ProjectId: "p",
    HubName: "build",
    PlanId: "plan",
    JobId: "job",
    TimelineId: "tl",
    TaskInstanceId: "task",
    AuthToken: "the-job-token",
  };

  it.each([
    [
      "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/k/)",
      /unresolved Key Vault reference/,
    ],
    ["a passphrase", /not a 256-bit key/],
  ])(
    "an Azure DevOps start with COALMINE_SECRET_KEY=%s fails closed: a 5xx problem naming the setting",
    async (value, why) => {
      const app = await serve({ COALMINE_SECRET_KEY: value });
      try {
        const res = await call(app.url, "POST", "/api/analyses", baseRequest(), adoHeaders);
        expect(res.status).toBe(503);
        expect(res.contentType).toContain("application/problem+json");
        expect(res.body.detail).toMatch(/COALMINE_SECRET_KEY/);
        expect(res.body.detail).toMatch(why);
        expect(res.text).not.toContain("the-job-token");
        const list = await call(app.url, "GET", "/api/analyses");
        expect(list.body.items).toEqual([]); // nothing was started
        // A start without the task's headers needs no key.
        expect((await call(app.url, "POST", "/api/analyses", baseRequest())).status).toBe(202);
      } finally {
        await app.close();
      }
    },
  );
});

describe("reasons and warnings are one line, never a stack", () => {
  let app: LocalApp;
  beforeAll(async () => {
    const boom = (): never => {
      const err = new Error(
        "the judge broke\n    at secretFunction (/srv/app/judge.js:1:1)\n    at next (/srv/app/x.js:2:2)",
      );
      throw err;
    };
    app = await createLocalApp({
      env: {},
      clock: "virtual",
      virtualStart: new Date("2026-11-23T10:00:00Z"),
      storage: "memory",
      overrides: {
        metricSources: () => ({
          buildQuery: () => "q",
          fetch: async (r) => ({
            query: "q",
            sets: [{ name: r.metric.name, tags: {}, timestamps: [Date.parse(r.window.start)], values: [1] }],
          }),
        }),
        judges: (name) =>
          name === "broken" ? { name: "broken", judge: boom } : scriptedJudge({ scores: [100] }),
        notifier: {
          notify: async () => {
            throw new Error("webhook exploded\n    at deliver (/srv/app/notify.js:9:9)");
          },
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it("a failing activity ends the analysis with a one-line reason", async () => {
    const status = await app.service.start(harnessRequest({ judge: "broken" }));
    const done = await app.runtime.waitForCompletion(status.id);
    expect(done.runtimeStatus).toBe("Completed");
    const final = await app.service.getStatus(status.id);
    expect(final?.state).toBe("error");
    expect(final?.reason).toMatch(/the judge broke/);
    expect(final?.reason).not.toMatch(/\n|\bat secretFunction|judge\.js/);
    for (const w of final?.warnings ?? []) expect(w).not.toMatch(/\n|notify\.js/);
    expect((final?.warnings ?? []).join("\n")).toMatch(/webhook exploded/);
  });
});
