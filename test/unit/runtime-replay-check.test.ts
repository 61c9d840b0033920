// Local Durable runtime: every episode checks that replay reproduces the recorded actions.
import { afterEach, describe, expect, it, vi } from "vitest";
import { NonDeterminismError } from "../../src/runtime/runtime-errors";
import { START, useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();
afterEach(() => {
  vi.restoreAllMocks();
});

/** A runtime with the `echo` activity on a virtual clock at START, recording the faults it reports. */
function runtime() {
  const faults: Array<[string, Error]> = [];
  const { rt } = harness.runtime({ onFault: (id, error) => faults.push([id, error]) });
  return { rt, faults };
}

describe("replay check", () => {
  it("catches an orchestrator that takes a timer's fireAt from Date.now()", async () => {
    // The wall clock moves between episodes (here one second per call, to be deterministic).
    let wall = START.getTime();
    vi.spyOn(Date, "now").mockImplementation(() => (wall += 1000));
    const { rt, faults } = runtime();
    await rt.start("usesDateNow", undefined, "n1");
    const error = await rt.waitForCompletion("n1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonDeterminismError);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Non-deterministic orchestrator in instance "n1": action #0 was recorded as CreateTimer {"fireAt":"2026-01-01T00:01:01.000Z"} but replay produced CreateTimer {"fireAt":"2026-01-01T00:01:02.000Z"}. Orchestrator code must take time only from context.df.currentUtcDateTime and make no I/O, Date.now() or Math.random() calls."`,
    );
    const status = rt.getStatus("n1");
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.output).toContain("NonDeterminismError: Non-deterministic orchestrator");
    expect(faults.map(([id, e]) => [id, e.name])).toEqual([["n1", "NonDeterminismError"]]);
  });

  it("catches an orchestrator that branches on Math.random()", async () => {
    const coins = [0.1, 0.9];
    let flips = 0;
    vi.spyOn(Math, "random").mockImplementation(() => coins[flips++ % 2]!);
    const { rt } = runtime();
    await rt.start("usesRandom", undefined, "n2");
    const error = await rt.waitForCompletion("n2").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonDeterminismError);
    expect((error as NonDeterminismError).actionIndex).toBe(0);
    expect((error as Error).message).toContain(
      `recorded as CallActivity {"functionName":"echo","input":"\\"heads\\""}`,
    );
    expect((error as Error).message).toContain(
      `replay produced CallActivity {"functionName":"echo","input":"\\"tails\\""}`,
    );
  });

  it("accepts a deterministic orchestrator over many episodes (including a canceled timer)", async () => {
    const { rt } = runtime();
    await rt.start("awaitDecision", { timeoutSeconds: 60 }, "n3");
    await rt.runUntil("n3", (s) => s.runtimeStatus === "Running");
    await rt.raiseEvent("n3", "decision", "approve");
    await expect(rt.waitForCompletion("n3")).resolves.toMatchObject({ runtimeStatus: "Completed" });
  });
});
