// Handlers for /api/analyses: start (with the Azure DevOps agentless headers), status, list, decision, cancel, report.
import { z } from "zod";
import type { AnalysisRequest } from "../config/analysis-request.schema";
import { ANALYSIS_STATES, TERMINAL_STATES, type AnalysisStatus } from "../analysis/analysis-status";
import { formatIsoDuration, parseIsoDuration } from "../config/duration";
import { keepAzureDevOpsContext } from "../notify/keep-azure-devops-context";
import type { ApiRequest, ApiResponse } from "./api-types";
import type { HttpDeps } from "./http-deps";
import { parseBody, parseJsonBody } from "./json-body";
import { badRequest, conflict, notFound, validationError } from "./problem";

const STATES = ANALYSIS_STATES;

export const DecisionSchema = z.strictObject({
  action: z.enum(["approve", "reject"]),
  reason: z.string().max(2000).optional(),
  /** Who decides (kept in the reason and warnings); default: the caller's App Service Authentication name. */
  by: z.string().min(1).max(200).optional(),
});

export const ListQuerySchema = z.strictObject({
  application: z.string().min(1).optional(),
  status: z.enum(STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  continuationToken: z.string().min(1).optional(),
});

/** An analysis id as we mint them (ULID) or as a client may pass through: no slashes, bounded. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function idParam(request: ApiRequest, name = "id"): string {
  const id = request.params[name] ?? "";
  if (!ID.test(id)) throw notFound(`No analysis '${id.slice(0, 80)}'`);
  return id;
}

/** An absolute link from the configured public URL (docs/security.md), else the path alone: never from the Host header. */
export const absolute = (request: ApiRequest, deps: HttpDeps, path: string): string =>
  `${(deps.publicBaseUrl ?? request.baseUrl).replace(/\/$/, "")}${path}`;

/** The 202 answer of every start: Location, the status and report URLs. */
export function accepted(
  request: ApiRequest,
  deps: HttpDeps,
  id: string,
  extra: Record<string, unknown> = {},
): ApiResponse {
  const statusPath = `/api/analyses/${id}`;
  return {
    status: 202,
    headers: { location: statusPath },
    body: {
      id,
      statusUrl: absolute(request, deps, statusPath),
      reportUrl: absolute(request, deps, `${statusPath}/report`),
      ...extra,
    },
  };
}

/** The longest `?wait=` a start may ask for (docs/http-api.md "One call"): Azure DevOps' ApiResponse limit. */
export const MAX_START_WAIT_MS = 60_000;

/** `?wait=PT60S` as milliseconds (undefined when absent); a bad or too long duration is a 400 naming it. */
export function startWait(request: ApiRequest): number | undefined {
  const raw = request.query.get("wait");
  if (raw === null) return undefined;
  const ms = parseIsoDuration(raw);
  const message =
    ms === undefined
      ? "must be an ISO 8601 duration such as PT60S"
      : ms > MAX_START_WAIT_MS
        ? `must be at most ${formatIsoDuration(MAX_START_WAIT_MS)}`
        : undefined;
  if (message) throw badRequest(`The query parameter wait ${message}`, [{ path: "query:wait", message }]);
  return ms;
}

/** Polls the status until the analysis ends or the wait is over (then undefined). */
async function awaitEnd(deps: HttpDeps, id: string, waitMs: number): Promise<AnalysisStatus | undefined> {
  const deadline = Date.now() + waitMs;
  let pause = 50;
  for (;;) {
    const status = await deps.analyses.getStatus(id);
    if (status && TERMINAL_STATES.includes(status.state)) return status;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    pause = Math.min(1_000, pause * 2);
  }
}

export async function startAnalysis(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  // The service validates (strictly, except the inline canary config: a Kayenta document, read leniently).
  const body = parseJsonBody(request) as AnalysisRequest;
  const waitMs = startWait(request);
  const id = deps.newId();
  await keepAzureDevOpsContext(request.headers, id, deps);
  const status = await deps.analyses.start(body, { id, origin: "native" });
  // One call (`?wait=`): the final status when the analysis ends within the wait, else 202 as without it.
  const ended = waitMs ? await awaitEnd(deps, id, waitMs) : undefined;
  if (ended) return { status: 200, headers: { location: `/api/analyses/${id}` }, body: ended };
  return accepted(request, deps, id, status.warnings?.length ? { warnings: status.warnings } : {});
}

export async function getAnalysis(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const status = await deps.analyses.getStatus(id);
  if (!status) throw notFound(`No analysis '${id}'`);
  return { status: 200, body: status };
}

export async function listAnalyses(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const parsed = ListQuerySchema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) throw validationError(parsed.error, "query string");
  const q = parsed.data;
  const page = await deps.analyses.list({
    ...(q.application !== undefined ? { application: q.application } : {}),
    ...(q.status !== undefined ? { state: q.status } : {}),
    limit: q.limit ?? 50,
    ...(q.continuationToken !== undefined ? { continuationToken: q.continuationToken } : {}),
  });
  return { status: 200, body: page };
}

/** The signed-in caller's name that App Service Authentication passes on (absent without it). */
function principalName(request: ApiRequest): string | undefined {
  const entry = Object.entries(request.headers).find(
    ([k]) => k.toLowerCase() === "x-ms-client-principal-name",
  );
  const name = entry?.[1]?.trim();
  return name ? name.slice(0, 200) : undefined;
}

export async function decideAnalysis(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const decision = parseBody(request, DecisionSchema);
  const by = decision.by ?? principalName(request);
  const outcome = await deps.analyses.decide(id, {
    action: decision.action,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    ...(by !== undefined ? { by } : {}),
  });
  if (outcome === "not-found") throw notFound(`No analysis '${id}'`);
  if (outcome === "not-awaiting") throw conflict(`Analysis '${id}' is not awaiting a decision`);
  return { status: 202, headers: { location: `/api/analyses/${id}` }, body: { id, action: decision.action } };
}

export async function cancelAnalysis(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const reason = request.query.get("reason")?.slice(0, 500) ?? "canceled through the API";
  const outcome = await deps.analyses.cancel(id, reason);
  if (outcome === "not-found") throw notFound(`No analysis '${id}'`);
  if (outcome === "already-ended") throw conflict(`Analysis '${id}' has already ended`);
  return { status: 202, headers: { location: `/api/analyses/${id}` }, body: { id, state: "canceled" } };
}

export async function analysisReport(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const html = await deps.renderReport(id);
  if (html === undefined) throw notFound(`No analysis '${id}'`);
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: html };
}
