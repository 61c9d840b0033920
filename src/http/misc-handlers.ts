// Small handlers: the synchronous judge, metric accounts, the OpenAPI document and the index page.
import type { ApiRequest, ApiResponse } from "./api-types";
import type { HttpDeps } from "./http-deps";
import { parseJsonBody } from "./json-body";
import { renderIndex } from "../report/render-index";
import { invalidBody, notFound } from "./problem";
import { judgeRequest } from "../judge/judge-request";

export async function judgeNow(request: ApiRequest, _deps: HttpDeps): Promise<ApiResponse> {
  const outcome = judgeRequest(parseJsonBody(request));
  if (!outcome.ok) throw invalidBody(outcome.problems);
  return { status: 200, body: outcome.result };
}

export async function metricsAccounts(_request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  return { status: 200, body: await deps.describeAccounts() };
}

export async function index(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  // In Azure the index is also the catch-all route: anything else under /api is a 404 problem.
  if (!/^\/api\/?$/.test(request.path)) throw notFound(`No route for ${request.path}`);
  const page = await deps.analyses.list({ limit: 50 });
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: renderIndex(page.items, deps.clock().toISOString()),
  };
}
