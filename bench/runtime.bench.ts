// Local Durable runtime bench: cost of replay per history event, for a long single execution and a fan-out.
import { VirtualClock } from "../src/runtime/clock";
import { LocalDurableRuntime } from "../src/runtime/durable-runtime";
import { captureRegistrationsAsync, orchestrationFunctions } from "../src/runtime/function-registry";

let captured: ReturnType<typeof orchestrationFunctions> | undefined;

async function measure(label: string, name: string, input: unknown): Promise<void> {
  // Modules register once per process: capture the test orchestrators once.
  captured ??= orchestrationFunctions(
    await captureRegistrationsAsync(() => import("../test/fixtures/orchestrators/index")),
  );
  const orchestrations = captured;
  const rt = new LocalDurableRuntime({
    orchestrations,
    clock: new VirtualClock(new Date("2026-01-01T00:00:00Z")),
    activities: {
      echo: async (x) => x,
      square: async (x) => (x as number) ** 2,
      sum: async (xs) => (xs as number[]).reduce((a, b) => a + b, 0),
    },
  });
  const started = performance.now();
  await rt.start(name, input, "bench");
  const status = await rt.waitForCompletion("bench");
  const ms = performance.now() - started;
  const s = rt.stats();
  console.log(
    `${label}: ${status.runtimeStatus}; episodes ${s.episodes}, events replayed ${s.eventsReplayed}, ` +
      `max history ${s.maxHistoryLength}, activities ${s.activitiesRun}; ${ms.toFixed(0)} ms, ` +
      `${((ms * 1000) / s.eventsReplayed).toFixed(1)} µs per replayed event`,
  );
}

export async function run(): Promise<void> {
  await measure("180 timers + 180 activities in one execution", "timerLoop", {
    iterations: 180,
    intervalSeconds: 60,
  });
  await measure("fan-out of 200 activities", "fanOut", { count: 200 });
}
