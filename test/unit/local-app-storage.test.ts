// Where the local app keeps its data (COALMINE_STORAGE=memory means the in-memory stores, never an account of that name), and its sealing key.
import { describe, expect, it } from "vitest";
import { createLocalApp } from "../../src/app/local";

describe("the local app's storage", () => {
  it("COALMINE_STORAGE=memory selects the in-memory stores", async () => {
    const app = await createLocalApp({ env: { COALMINE_STORAGE: " memory " }, clock: "virtual" });
    try {
      expect(app.storage).toBe("in-memory stores");
      await app.ports.artifactStore.putJson("analyses/x/request.json", { ok: true });
      expect(await app.ports.artifactStore.getJson("analyses/x/request.json")).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });

  it("an explicit storage option wins over the setting", async () => {
    const app = await createLocalApp({
      env: { COALMINE_STORAGE: "someaccount" },
      clock: "virtual",
      storage: "memory",
    });
    try {
      expect(app.storage).toBe("in-memory stores");
    } finally {
      await app.close();
    }
  });

  it("with nothing set, storageWhenUnset: memory (coalmine run) selects the in-memory stores; a setting still wins", async () => {
    const unset = await createLocalApp({ env: {}, clock: "virtual", storageWhenUnset: "memory" });
    try {
      expect([unset.storage, unset.ephemeral]).toEqual(["in-memory stores", true]);
    } finally {
      await unset.close();
    }
    const set = await createLocalApp({
      env: { COALMINE_STORAGE: process.env.COALMINE_TEST_STORAGE },
      clock: "virtual",
      storageWhenUnset: "memory",
    });
    try {
      expect(set.storage).not.toBe("in-memory stores");
      expect(set.ephemeral).toBe(false);
    } finally {
      await set.close();
    }
  });
});

describe("the local app's secret key", () => {
  it("processSecretKey (coalmine serve) makes a key for the process when COALMINE_SECRET_KEY is unset, and says so", async () => {
    const lines: string[] = [];
    const made = await createLocalApp({
      env: { COALMINE_STORAGE: "memory" },
      clock: "virtual",
      processSecretKey: true,
      log: (line) => lines.push(line),
    });
    await made.close();
    expect(made.settings.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(lines).toEqual(["COALMINE_SECRET_KEY is not set: using a key for this process only"]);

    const other = await createLocalApp({
      env: { COALMINE_STORAGE: "memory" },
      clock: "virtual",
      processSecretKey: true,
    });
    await other.close();
    expect(other.settings.secretKey).not.toBe(made.settings.secretKey);
  });

  it("keeps a configured key, and makes none without processSecretKey", async () => {
    const lines: string[] = [];
    const configured = await createLocalApp({
      env: { COALMINE_STORAGE: "memory", COALMINE_SECRET_KEY: "ab".repeat(32) },
      clock: "virtual",
      processSecretKey: true,
      log: (line) => lines.push(line),
    });
    await configured.close();
    expect(configured.settings.secretKey).toBe("ab".repeat(32));
    expect(lines).toEqual([]);
    const none = await createLocalApp({ env: { COALMINE_STORAGE: "memory" }, clock: "virtual" });
    await none.close();
    expect(none.settings.secretKey).toBeUndefined();
  });
});
