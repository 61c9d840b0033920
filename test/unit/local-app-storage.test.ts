// Where the local app keeps its data: COALMINE_STORAGE=memory means the in-memory stores, never an account of that name.
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
});
