// Shared setup of the runtime tests: the fixture orchestrators (test/fixtures/orchestrators) captured once, and a local runtime over them.
import { beforeAll } from "vitest";
import { VirtualClock, type Clock } from "../../src/runtime/clock";
import { LocalDurableRuntime, type LocalDurableRuntimeOptions } from "../../src/runtime/durable-runtime";
import {
  captureRegistrationsAsync,
  orchestrationFunctions,
  type OrchestrationFunction,
} from "../../src/runtime/function-registry";

/** Where the virtual clock of a harness runtime starts unless told otherwise. */
export const START = new Date("2026-01-01T00:00:00.000Z");

let captured: Promise<Map<string, OrchestrationFunction>> | undefined;

/**
 * The fixture orchestrators' handlers. A module registers its functions only when it is first loaded, so they are
 * captured once per test file (vitest loads modules afresh for each file) and shared by its tests.
 */
export function fixtureOrchestrations(): Promise<Map<string, OrchestrationFunction>> {
  captured ??= captureRegistrationsAsync(() => import("../fixtures/orchestrators/index")).then(
    orchestrationFunctions,
  );
  return captured;
}

/** What a test gives a harness runtime; the orchestrations are always the fixtures. */
export type HarnessRuntimeOptions<C extends Clock> = Omit<
  LocalDurableRuntimeOptions,
  "orchestrations" | "clock" | "activities"
> & {
  /** Default: `{ echo }` (returns its input). */
  activities?: LocalDurableRuntimeOptions["activities"];
  /** Default: a virtual clock at `start`. */
  clock?: C;
  /** Where the default virtual clock starts (default START). */
  start?: Date;
};

export interface RuntimeHarness {
  /** The captured fixture orchestrators (available from the file's beforeAll on). */
  readonly orchestrations: Map<string, OrchestrationFunction>;
  /** A new runtime over the fixture orchestrators, with its clock. */
  runtime<C extends Clock = VirtualClock>(
    options?: HarnessRuntimeOptions<C>,
  ): { rt: LocalDurableRuntime; clock: C };
}

/** Call at the top of a test file: captures the fixture orchestrators in beforeAll and makes runtimes over them. */
export function useRuntimeHarness(): RuntimeHarness {
  let orchestrations: Map<string, OrchestrationFunction> | undefined;
  beforeAll(async () => {
    orchestrations = await fixtureOrchestrations();
  });
  const loaded = (): Map<string, OrchestrationFunction> => {
    if (orchestrations === undefined) throw new Error("the runtime harness is used before its beforeAll ran");
    return orchestrations;
  };
  return {
    get orchestrations() {
      return loaded();
    },
    runtime<C extends Clock = VirtualClock>(options: HarnessRuntimeOptions<C> = {}) {
      const { clock: given, start, activities, ...rest } = options;
      const clock = given ?? new VirtualClock(start ?? START);
      const rt = new LocalDurableRuntime({
        ...rest,
        orchestrations: loaded(),
        activities: activities ?? { echo: async (x) => x },
        clock,
      });
      // Without a clock of its own the runtime's clock is the VirtualClock made here (C's default).
      return { rt, clock: clock as C };
    },
  };
}
