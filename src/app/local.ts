// The composition root on the local runtime (`coalmine run`, `serve`, `demo`, tests): settings, storage (in-process Azurite unless COALMINE_STORAGE), ports, activities, the real orchestrator, the analysis service.
import { randomBytes } from "node:crypto";
import { createActivities } from "../analysis/activities/create-activities";
import { createAppPorts, type AppPorts, type PortOverrides } from "./ports";
import { parseSettings, type Settings } from "./settings";
import { createAppHttpDeps } from "./http-deps";
import type { HttpDeps } from "../http/http-deps";
import { newUlid } from "../ids";
import { createAnalysisService, type AnalysisService } from "../analysis/analysis-service";
import { doorChecks } from "./door-checks";
import type { OrchestrationClient } from "../analysis/orchestration-client";
import { registerOrchestrations } from "../analysis/register-orchestrations";
import type { AnalysisEvent, Notifier } from "../analysis/ports/notifier";
import { describeStorage, parseStorageSettings, type StorageSettings } from "../store/storage-settings";
import { startAzurite, type AzuriteInstance } from "./azurite";
import { VirtualClock, WallClock, type Clock } from "../runtime/clock";
import { LocalDurableRuntime } from "../runtime/durable-runtime";
import {
  captureRegistrations,
  orchestrationFunctions,
  type OrchestrationFunction,
} from "../runtime/function-registry";
import { LocalOrchestrationClient } from "../runtime/local-orchestration-client";
import { ArtifactInstanceStore } from "../runtime/instance-store";
import { errorLine } from "../error-text";

export interface LocalAppOptions {
  env: Record<string, string | undefined>;
  cwd?: string;
  /** "wall" for live runs, "virtual" for tests and time-skipping; or a clock of your own. */
  clock: "wall" | "virtual" | Clock;
  /** Where a virtual clock starts (default now). */
  virtualStart?: Date;
  /** A storage connection string, or "memory" for in-process fakes; default COALMINE_STORAGE, else `storageWhenUnset`. */
  storage?: string;
  /**
   * Where the data goes when neither `storage` nor COALMINE_STORAGE says: in-process Azurite (default), or the
   * in-memory stores (`coalmine run`: everything it produces leaves the process as its output).
   */
  storageWhenUnset?: "azurite" | "memory";
  /**
   * When COALMINE_SECRET_KEY is unset, seal Azure DevOps tokens with a key made for this process (`coalmine serve`:
   * tokens are sealed even locally; they then live as long as the process). Logged through `log`.
   */
  processSecretKey?: boolean;
  /** Replaces ports (tests: fake metric sources, recording notifiers). */
  overrides?: PortOverrides;
  /** Sees every analysis event before the notifier (the CLI prints judgements as progress lines). */
  onEvent?: (analysisId: string, event: AnalysisEvent) => void;
  /** Activities at once (default the runtime's). */
  activityConcurrency?: number;
  /**
   * Keep every unfinished instance in the storage at each episode so a restarted process resumes it
   * (`coalmine serve`; docs/adr/0008-restart-safe-serve.md). Off for one-shot runs and tests that do not need it.
   */
  persistInstances?: boolean;
  /** Where the runtime reports a snapshot it could not save (default: dropped). */
  log?: (line: string) => void;
}

export interface LocalApp {
  settings: Settings;
  ports: AppPorts;
  runtime: LocalDurableRuntime;
  client: OrchestrationClient;
  service: AnalysisService;
  clock: Clock;
  /** Where the data goes (safe to print). */
  storage: string;
  /** True when nothing survives the process (in-process Azurite or memory). */
  ephemeral: boolean;
  close(): Promise<void>;
}

let captured: ReadonlyMap<string, OrchestrationFunction> | undefined;

/** The handlers df.app.orchestration registers, captured once per process (the same ones the Functions host runs). */
export function localOrchestrations(): ReadonlyMap<string, OrchestrationFunction> {
  captured ??= orchestrationFunctions(captureRegistrations(() => registerOrchestrations()));
  return captured;
}

export async function createLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const clock: Clock =
    options.clock === "wall"
      ? new WallClock()
      : options.clock === "virtual"
        ? new VirtualClock(options.virtualStart ?? new Date())
        : options.clock;
  let settings = parseSettings(options.env, options.cwd === undefined ? {} : { cwd: options.cwd });
  if (options.processSecretKey && settings.secretKey === undefined) {
    settings = { ...settings, secretKey: randomBytes(32).toString("hex") };
    options.log?.("COALMINE_SECRET_KEY is not set: using a key for this process only");
  }
  let azurite: AzuriteInstance | undefined;
  let storage: StorageSettings | "memory";
  if (options.storage !== undefined ? options.storage.trim() === "memory" : settings.storageInMemory) {
    // COALMINE_STORAGE=memory: the in-memory stores (README settings table), not an account named "memory".
    storage = "memory";
  } else if (options.storage !== undefined && options.storage.trim() !== "") {
    storage = parseStorageSettings(options.storage, { prefix: settings.storagePrefix });
  } else if (settings.storage) {
    storage = settings.storage;
  } else if (options.storageWhenUnset === "memory") {
    storage = "memory";
  } else {
    azurite = await startAzurite();
    storage = parseStorageSettings(azurite.connectionString);
  }
  const now = (): Date => clock.now();
  const base = createAppPorts({
    settings,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    storage,
    clock: now,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const inner = base.notifier;
  const onEvent = options.onEvent;
  const notifier: Notifier = onEvent
    ? {
        async notify(analysisId, event) {
          onEvent(analysisId, event);
          await inner.notify(analysisId, event);
        },
      }
    : inner;
  const ports: AppPorts = { ...base, notifier };
  const activities = createActivities(ports);
  const runtime = new LocalDurableRuntime({
    orchestrations: localOrchestrations(),
    activities: Object.fromEntries(
      Object.entries(activities).map(([name, fn]) => [
        name,
        (input: unknown) => (fn as (i: unknown) => Promise<unknown>)(input),
      ]),
    ),
    clock,
    ...(options.activityConcurrency === undefined
      ? {}
      : { activityConcurrency: options.activityConcurrency }),
    ...(options.persistInstances
      ? {
          store: new ArtifactInstanceStore(ports.artifactStore),
          onStoreError: (id: string, err: unknown) =>
            options.log?.(`could not keep instance ${id} for a restart: ${errorLine(err)}`),
        }
      : {}),
  });
  const client = new LocalOrchestrationClient(runtime);
  const service = createAnalysisService({
    analysisStore: ports.analysisStore,
    artifactStore: ports.artifactStore,
    configStore: ports.configStore,
    client,
    clock: now,
    newId: () => newUlid(now().getTime()),
    // Replaced judges or metric sources (tests, demo) know names the installation's checks do not.
    checks: doorChecks(settings, {
      judges: options.overrides?.judges === undefined,
      accounts: options.overrides?.metricSources === undefined,
    }),
  });
  return {
    settings,
    ports,
    runtime,
    client,
    service,
    clock,
    ephemeral: storage === "memory" || azurite !== undefined,
    storage:
      storage === "memory"
        ? "in-memory stores"
        : azurite
          ? "in-process Azurite (in memory)"
          : describeStorage(storage),
    async close() {
      runtime.dispose();
      await azurite?.stop();
    },
  };
}

/** The HTTP handlers' ports over a local app (`coalmine serve`, HTTP tests). */
export function localHttpDeps(app: LocalApp, logError?: (message: string, error: unknown) => void): HttpDeps {
  return createAppHttpDeps({
    analysisStore: app.ports.analysisStore,
    artifactStore: app.ports.artifactStore,
    configStore: app.ports.configStore,
    client: app.client,
    settings: app.settings,
    clock: () => app.clock.now(),
    ...(logError ? { logError } : {}),
  });
}
