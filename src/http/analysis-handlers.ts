// Handlers for /api/analyses: start (with the Azure DevOps agentless headers), status, list, decision, cancel, report.
import { z } from "zod";
import type { AnalysisRequest } from "../config/analysis-request.schema";
import { TERMINAL_STATES, type AnalysisState, type AnalysisStatus } from "../analysis/analysis-status";
import { formatIsoDuration, parseIsoDuration } from "../config/duration";
import { readAzureDevOpsHeaders } from "../notify/azure-devops-context";
import { azureDevOpsArtifactPath, sealAzureDevOpsContext } from "../notify/azure-devops-notifier";
import { AZURE_DEVOPS_HOSTS, OutboundBlockedError, OutboundGuard } from "../notify/outbound-guard";
import type { ApiRequest, ApiResponse } from "./api-types";
import type { HttpDeps } from "./http-deps";
import { parseBody, parseJsonBody } from "./json-body";
import { ProblemError, badRequest, conflict, notFound, problem, validationError } from "./problem";

const STATES = [
  "pending",
  "running",
  "awaiting-decision",
  "passed",
  "marginal",
  "failed",
  "error",
  "canceled",
] as const satisfies readonly AnalysisState[];

export const DecisionSchema = z.strictObject({
  action: z.enum(["approve", "reject"]),
  reason: z.string().max(2000).optional(),
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

export const absolute = (request: ApiRequest, deps: HttpDeps, path: string): string =>
  `${(deps.publicBaseUrl ?? request.baseUrl).replace(/\/$/, "")}${path}`;

/** Stores the sealed Azure DevOps context when the agentless task's headers are there (before the start). */
async function keepAzureDevOpsContext(request: ApiRequest, deps: HttpDeps, id: string): Promise<boolean> {
  const found = readAzureDevOpsHeaders(request.headers);
  if (!found.present) return false;
  if ("missing" in found) {
    throw badRequest(
      "Azure DevOps task headers are incomplete",
      found.missing.map((h) => ({ path: `header:${h}`, message: "required with PlanUrl/AuthToken" })),
    );
  }
  const guard = new OutboundGuard({
    ...(deps.outboundAllowlist !== undefined ? { allowlist: deps.outboundAllowlist } : {}),
  });
  try {
    guard.withHosts(AZURE_DEVOPS_HOSTS).checkSyntax(found.context.planUrl);
  } catch (err) {
    if (!(err instanceof OutboundBlockedError)) throw err;
    throw badRequest("The PlanUrl header is not an allowed Azure DevOps URL", [
      { path: "header:planurl", message: err.message },
    ]);
  }
  if (!deps.secretBox) {
    throw new ProblemError(
      problem(
        503,
        "COALMINE_SECRET_KEY is not set, so the Azure DevOps AuthToken cannot be kept; set it and retry",
      ),
    );
  }
  await deps.artifacts.putJson(
    azureDevOpsArtifactPath(id),
    sealAzureDevOpsContext(deps.secretBox, id, found.context),
  );
  return true;
}

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
  await keepAzureDevOpsContext(request, deps, id);
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

export async function decideAnalysis(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const decision = parseBody(request, DecisionSchema);
  const outcome = await deps.analyses.decide(id, {
    action: decision.action,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
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
