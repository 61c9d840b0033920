// The composition root on Azure Functions: settings parsed once per worker, the ports and activities built on first use, the durable client per invocation.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createActivities, type Activities } from "../analysis/activities/create-activities";
import { DurableOrchestrationClient } from "../analysis/durable-orchestration-client";
import type { Clock } from "../analysis/ports/clock";
import { toApiRequest, toHttpResponse } from "../http/azure-functions-adapter";
import type { HttpDeps } from "../http/http-deps";
import { problemResponse, toProblem } from "../http/problem";
import { Router } from "../http/router";
import { ROUTES } from "../http/routes";
import { purgeAnalyses, retentionCutoff, type PurgeResult } from "../store/retention";
import { createAppHttpDeps } from "./http-deps";
import { createAppPorts, type AppPorts } from "./ports";
import { parseSettings, type Settings } from "./settings";

/** Functions run in real time. */
const wallClock: Clock = () => new Date();

let settings: Settings | undefined;
let ports: AppPorts | undefined;
let activities: Activities | undefined;

/** The app settings of this worker (process.env), parsed on first use. */
export function azureSettings(): Settings {
  settings ??= parseSettings(process.env);
  return settings;
}

/** The ports from the settings, created on first use (a failure is retried on the next call). */
export function azurePorts(): AppPorts {
  ports ??= createAppPorts({ settings: azureSettings(), clock: wallClock });
  return ports;
}

/** The orchestration's activities over this worker's ports. */
export function azureActivities(): Activities {
  activities ??= createActivities(azurePorts());
  return activities;
}

/** Every HTTP function runs the whole router, so 404/405/413 and problem+json are the same as in `coalmine serve`. */
export async function handleAzureHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  // Absolute links only from the settings (COALMINE_PUBLIC_URL, else WEBSITE_HOSTNAME), never from the request.
  let linkBase = "";
  try {
    linkBase = azureSettings().linkBase;
  } catch {
    // unusable settings are answered below with a 503 naming them
  }
  const api = await toApiRequest(request, undefined, linkBase);
  if ("tooLarge" in api) return api.tooLarge;
  const logError = (message: string, error: unknown): void => context.error(message, error);
  let deps: HttpDeps;
  try {
    const p = azurePorts();
    deps = createAppHttpDeps({
      analysisStore: p.analysisStore,
      artifactStore: p.artifactStore,
      configStore: p.configStore,
      client: new DurableOrchestrationClient(df.getClient(context)),
      settings: azureSettings(),
      clock: wallClock,
      logError,
    });
  } catch (err) {
    // Unusable settings: 503 naming the setting (toProblem, as the router maps errors; never a secret).
    const known = toProblem(err);
    if (known === undefined) throw err;
    return toHttpResponse(problemResponse(known.problem, known.headers));
  }
  return toHttpResponse(await new Router<HttpDeps>(ROUTES, { logError }).handle(api, deps));
}

/** The daily retention timer: purges analyses older than COALMINE_RETENTION with their blobs and history. */
export async function runRetention(context: InvocationContext): Promise<PurgeResult> {
  const p = azurePorts();
  const client = new DurableOrchestrationClient(df.getClient(context));
  return purgeAnalyses({
    olderThan: retentionCutoff(wallClock(), azureSettings().retention),
    stores: { analyses: p.analysisStore, artifacts: p.artifactStore },
    purgeHistory: (id) => client.purge(id),
  });
}
