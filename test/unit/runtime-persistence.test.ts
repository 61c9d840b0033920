// The local runtime keeps unfinished instances in a store and resumes them in a new runtime (a restarted
// `coalmine serve`), and refuses what the Durable host refuses (custom status over 16 KB, bad instance ids).
import { describe, expect, it } from "vitest";
import { ArtifactInstanceStore } from "../../src/runtime/instance-store";
import { HostLimitError } from "../../src/runtime/runtime-errors";
import { MemoryArtifactStore } from "../../src/store/memory-artifact-store";
import { START, useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

/** A runtime with the `echo` activity on a virtual clock at `start`, keeping its instances in `store` if given. */
function runtime(store?: ArtifactInstanceStore, start = START) {
  return harness.runtime({ start, ...(store ? { store } : {}) }).rt;
}

describe("the Durable host's limits", () => {
  it("a custom status over 16 KB (UTF-16) fails the instance like the host would", async () => {
    const rt = runtime();
    const id = await rt.start("bigStatus", { size: 9000 });
    await expect(rt.waitForCompletion(id)).rejects.toThrow(HostLimitError);
    await expect(rt.waitForCompletion(await rt.start("bigStatus", { size: 9000 }))).rejects.toThrow(
      /custom status is \d+ bytes as UTF-16; the Durable host refuses more than 16384/,
    );
    const ok = await rt.start("bigStatus", { size: 7000 });
    expect((await rt.waitForCompletion(ok)).runtimeStatus).toBe("Completed");
  });

  it.each(["a/b", "a\\b", "a#b", "a?b", "a\u0001b", "x".repeat(101), ""])(
    "refuses the instance id %j",
    async (id) => {
      await expect(runtime().start("awaitDecision", { timeoutSeconds: 60 }, id)).rejects.toThrow(
        HostLimitError,
      );
    },
  );
});

describe("restart: instances resume from the store", () => {
  it("a wait for a decision waits again in a new runtime, and a decision then completes it", async () => {
    const artifacts = new MemoryArtifactStore();
    const store = new ArtifactInstanceStore(artifacts);
    const first = runtime(store);
    const id = await first.start("awaitDecision", { timeoutSeconds: 3600 }, "waiting-1");
    await first.runUntil(id, (s) => s.runtimeStatus === "Running");
    await first.flushed();
    first.dispose(); // the process dies

    expect((await store.list()).map((s) => s.instanceId)).toEqual(["waiting-1"]);
    const second = runtime(store, new Date(START.getTime() + 60_000));
    expect(await second.resume()).toEqual(["waiting-1"]);
    const waiting = await second.runUntil(id, (s) => s.runtimeStatus === "Running");
    expect(waiting.customStatus).toEqual({ state: "awaiting-decision" });
    await second.raiseEvent(id, "decision", { action: "approve" });
    const done = await second.waitForCompletion(id);
    expect(done.output).toMatchObject({ decision: { action: "approve" } });
    await second.flushed();
    expect(await store.list()).toEqual([]); // an ended instance leaves nothing behind
  });

  it("an event raised before the restart is delivered again", async () => {
    const store = new ArtifactInstanceStore(new MemoryArtifactStore());
    const first = runtime(store);
    const id = await first.start("twoEvents", {}, "two-1");
    await first.raiseEvent(id, "first", 1);
    await first.runUntil(id, (s) => s.runtimeStatus === "Running");
    await first.flushed();
    first.dispose();

    const second = runtime(store);
    await second.resume();
    await second.raiseEvent(id, "second", 2);
    expect((await second.waitForCompletion(id)).output).toEqual([1, 2]);
  });

  it("a timer of the current execution is armed again and fires at its original time", async () => {
    const store = new ArtifactInstanceStore(new MemoryArtifactStore());
    const first = runtime(store);
    const id = await first.start("awaitDecision", { timeoutSeconds: 600 }, "timer-1");
    await first.runUntil(id, (s) => s.runtimeStatus === "Running");
    await first.flushed();
    first.dispose();

    // Restarted 5 minutes later: the timeout still ends 10 minutes after the original start.
    const second = runtime(store, new Date(START.getTime() + 300_000));
    await second.resume();
    const done = await second.waitForCompletion(id);
    expect(done.output).toEqual({
      decision: "timeout",
      at: new Date(START.getTime() + 600_000).toISOString(),
    });
  });

  it("without a store nothing is kept", async () => {
    const rt = runtime();
    expect(await rt.resume()).toEqual([]);
  });
});
