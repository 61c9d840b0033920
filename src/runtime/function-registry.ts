// Captures the functions a module registers with `@azure/functions` (app.generic/http/timer) so they can run without the Functions host.
import { app, InvocationContext } from "@azure/functions";
import type {
  GenericFunctionOptions,
  HttpFunctionOptions,
  HttpHandler,
  HttpMethodFunctionOptions,
  TimerFunctionOptions,
} from "@azure/functions";

/** Everything registered while the capture was active, by function name. */
export interface CapturedRegistrations {
  /** app.generic: durable orchestrations, activities, entities (and anything registered generically). */
  generic: Map<string, GenericFunctionOptions>;
  /** app.http and app.get/put/post/patch/deleteRequest (also df.app.client.http), with `methods` filled in for the shorthands. */
  http: Map<string, HttpFunctionOptions>;
  timer: Map<string, TimerFunctionOptions>;
}

/** The handler durable-functions registers for an orchestration: `(trigger, context) => Promise<OrchestratorState>`. */
export type OrchestrationFunction = (trigger: unknown, context: InvocationContext) => Promise<unknown>;

/** An activity as the local runtime runs it: JSON in, JSON out. */
export type ActivityFunction = (input: unknown) => Promise<unknown>;

/** Thrown when a function name is registered twice during one capture. */
export class DuplicateRegistrationError extends Error {
  constructor(kind: string, name: string) {
    super(`${kind} function "${name}" was registered twice`);
    this.name = "DuplicateRegistrationError";
  }
}

type Mutable = Record<string, unknown>;
const PATCHED = ["generic", "http", "timer", "get", "put", "post", "patch", "deleteRequest"] as const;

/**
 * Replaces the registration functions of `@azure/functions`' `app`, runs `load` (which must load
 * the function modules for the first time, e.g. `require("../../functions")`), restores the
 * originals and returns what was registered. There is one copy of `@azure/functions`
 * (`npm ls @azure/functions`), so durable-functions' `df.app.*` goes through the same `app`.
 */
export function captureRegistrations(load: () => void): CapturedRegistrations {
  const restore = patchApp();
  try {
    load();
  } finally {
    restore.undo();
  }
  return restore.captured;
}

/** Async variant of {@link captureRegistrations} for loaders that use `import()`. */
export async function captureRegistrationsAsync(
  load: () => Promise<unknown>,
): Promise<CapturedRegistrations> {
  const restore = patchApp();
  try {
    await load();
  } finally {
    restore.undo();
  }
  return restore.captured;
}

function patchApp(): { captured: CapturedRegistrations; undo: () => void } {
  const captured: CapturedRegistrations = { generic: new Map(), http: new Map(), timer: new Map() };
  const target = app as unknown as Mutable;
  const originals = new Map(PATCHED.map((key) => [key, target[key]]));
  const put = <T>(kind: string, map: Map<string, T>, name: string, options: T): void => {
    if (map.has(name)) throw new DuplicateRegistrationError(kind, name);
    map.set(name, options);
  };
  const http = (name: string, options: HttpFunctionOptions): void =>
    put("http", captured.http, name, options);
  const method =
    (verb: "GET" | "PUT" | "POST" | "PATCH" | "DELETE") =>
    (name: string, optionsOrHandler: HttpMethodFunctionOptions | HttpHandler): void => {
      const options =
        typeof optionsOrHandler === "function" ? { handler: optionsOrHandler } : optionsOrHandler;
      http(name, { ...options, methods: [verb] });
    };
  target.generic = (name: string, options: GenericFunctionOptions): void =>
    put("generic", captured.generic, name, options);
  target.http = http;
  target.timer = (name: string, options: TimerFunctionOptions): void =>
    put("timer", captured.timer, name, options);
  target.get = method("GET");
  target.put = method("PUT");
  target.post = method("POST");
  target.patch = method("PATCH");
  target.deleteRequest = method("DELETE");
  return {
    captured,
    undo: () => {
      for (const [key, fn] of originals) target[key] = fn;
    },
  };
}

function triggerType(options: GenericFunctionOptions): unknown {
  return (options.trigger as { type?: unknown }).type;
}

/** The orchestrator handlers among the captured registrations (trigger type `orchestrationTrigger`). */
export function orchestrationFunctions(captured: CapturedRegistrations): Map<string, OrchestrationFunction> {
  const out = new Map<string, OrchestrationFunction>();
  for (const [name, options] of captured.generic) {
    if (triggerType(options) === "orchestrationTrigger")
      out.set(name, options.handler as OrchestrationFunction);
  }
  return out;
}

/** The activities registered with `df.app.activity`, wrapped to run with a standalone InvocationContext. */
export function activityFunctions(captured: CapturedRegistrations): Map<string, ActivityFunction> {
  const out = new Map<string, ActivityFunction>();
  for (const [name, options] of captured.generic) {
    if (triggerType(options) !== "activityTrigger") continue;
    const handler = options.handler as (input: unknown, context: InvocationContext) => unknown;
    out.set(name, async (input) => handler(input, new InvocationContext({ functionName: name })));
  }
  return out;
}
