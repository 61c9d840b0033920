// The Functions entry registers the orchestration and every activity; activity ports come from app settings on first use.
import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { ACTIVITIES, ORCHESTRATIONS } from "../../src/analysis/activity-contracts";
import { captureRegistrationsAsync } from "../../src/runtime/function-registry";

describe("functions/orchestration.ts", () => {
  it("registers canaryAnalysis and each activity with durable-functions' triggers", async () => {
    const regs = await captureRegistrationsAsync(() => import("../../functions/orchestration"));
    const kinds = Object.fromEntries(
      [...regs.generic].map(([name, o]) => [name, (o.trigger as { type: string }).type]),
    );
    expect(kinds).toEqual({
      [ORCHESTRATIONS.canaryAnalysis]: "orchestrationTrigger",
      ...Object.fromEntries(Object.values(ACTIVITIES).map((a) => [a, "activityTrigger"])),
    });
    // Without COALMINE_STORAGE an activity says which setting is missing (ports are built lazily, not at load).
    const saved = process.env.COALMINE_STORAGE;
    delete process.env.COALMINE_STORAGE;
    try {
      const notify = regs.generic.get(ACTIVITIES.notify)!.handler as (
        input: unknown,
        ctx: unknown,
      ) => Promise<unknown>;
      const ctx = new InvocationContext({ functionName: ACTIVITIES.notify });
      await expect(notify({ analysisId: "x", application: "a", event: "started" }, ctx)).rejects.toThrow(
        "COALMINE_STORAGE is not set",
      );
    } finally {
      if (saved !== undefined) process.env.COALMINE_STORAGE = saved;
    }
  });
});
