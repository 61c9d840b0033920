// The HTTP app inside the Functions host: stores from settings (once per worker), the durable client per invocation.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { DurableOrchestrationClient } from "../analysis/durable-orchestration-client";
import { storesFromEnv, type Stores } from "../store/stores";
import { createAppHttpDeps } from "./app-http-deps";
import { toApiRequest, toHttpResponse } from "./azure-functions-adapter";
import type { HttpDeps } from "./http-deps";
import { ProblemError, problem } from "./problem";
import { Router } from "./router";
import { ROUTES } from "./routes";

let stores: Stores | undefined;

/** The storage ports from COALMINE_STORAGE, created on first use. */
export function appStores(env: Record<string, string | undefined> = process.env): Stores {
  stores ??= storesFromEnv(env);
  if (!stores) {
    throw new ProblemError(
      problem(503, "COALMINE_STORAGE is not set (a connection string or a storage account name)"),
    );
  }
  return stores;
}

/** Every HTTP function runs the whole router, so 404/405/413 and problem+json are the same as in `coalmine serve`. */
export async function handleAzureHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const api = await toApiRequest(request);
  if ("tooLarge" in api) return api.tooLarge;
  const logError = (message: string, error: unknown): void => context.error(message, error);
  let deps: HttpDeps;
  try {
    const s = appStores();
    deps = createAppHttpDeps({
      analysisStore: s.analyses,
      artifactStore: s.artifacts,
      configStore: s.configs,
      client: new DurableOrchestrationClient(df.getClient(context)),
      env: process.env,
      logError,
    });
  } catch (err) {
    if (err instanceof ProblemError)
      return toHttpResponse({
        status: err.problem.status,
        headers: { "content-type": "application/problem+json" },
        body: err.problem,
      });
    throw err;
  }
  return toHttpResponse(await new Router<HttpDeps>(ROUTES, { logError }).handle(api, deps));
}
