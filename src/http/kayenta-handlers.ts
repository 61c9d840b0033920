// Kayenta-compatible standalone API: POST /api/standalone_canary_analysis[/{canaryConfigId}] and GET …/{id}.
import { z } from "zod";
import { KayentaMappingError, mapKayentaRequest } from "../config/map-kayenta-request";
import type { CanaryConfig } from "../config/canary-config.schema";
import type { KayentaExecutionRequest, KayentaThresholds } from "../config/kayenta-request.schema";
import type { Thresholds } from "../judge/types";
import type { ApiRequest, ApiResponse } from "./api-types";
import { absolute, idParam } from "./analysis-handlers";
import type { HttpDeps } from "./http-deps";
import type { ValidationProblem, ValidationResult } from "../config/problems";
import { validateKayentaExecutionRequest, validateKayentaStandaloneBody } from "../config/validate";
import { parseJsonBody } from "./json-body";
import { badRequest, invalidBody, notFound, validationError } from "./problem";
import { kayentaStatusResponse, type KayentaStartRecord } from "./kayenta-status";
import { findConfigById } from "./kayenta-canary-configs";
import { isValidStoreKey } from "../store/keys";

export const kayentaArtifactPath = (id: string): string => `analyses/${id}/kayenta.json`;

/**
 * Kayenta's query parameters (StandaloneCanaryAnalysisController); defaults user=anonymous,
 * application=ad-hoc. Any other parameter is ignored, as Spring does.
 */
const KayentaQuerySchema = z.object({
  user: z.string().min(1).optional(),
  application: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, "application may hold letters, digits, _ . - (1-100)")
    .optional(),
  parentPipelineExecutionId: z.string().optional(),
  metricsAccountName: z.string().min(1).optional(),
  storageAccountName: z.string().optional(),
  configurationAccountName: z.string().optional(),
});

async function start(
  request: ApiRequest,
  deps: HttpDeps,
  executionRequest: KayentaExecutionRequest,
  canaryConfig: CanaryConfig,
  canaryConfigId: string | undefined,
  warnings: ValidationProblem[],
): Promise<ApiResponse> {
  const q = KayentaQuerySchema.safeParse(Object.fromEntries(request.query.entries()));
  if (!q.success) throw validationError(q.error, "query string");
  const application = q.data.application ?? "ad-hoc";
  let mapped;
  try {
    mapped = mapKayentaRequest(executionRequest, canaryConfig, {
      application,
      metricsAccount: q.data.metricsAccountName,
    });
  } catch (err) {
    if (err instanceof KayentaMappingError)
      throw badRequest(err.message, [{ path: "$.scopes[0]", message: err.message }]);
    throw err;
  }
  const id = deps.newId();
  const record: KayentaStartRecord = {
    user: q.data.user ?? "anonymous",
    application,
    executionRequest,
    ...(canaryConfigId === undefined ? { canaryConfig } : { canaryConfigId }),
    ...(q.data.parentPipelineExecutionId
      ? { parentPipelineExecutionId: q.data.parentPipelineExecutionId }
      : {}),
    ...(q.data.metricsAccountName ? { metricsAccountName: q.data.metricsAccountName } : {}),
    ...(q.data.storageAccountName ? { storageAccountName: q.data.storageAccountName } : {}),
  };
  await deps.artifacts.putJson(kayentaArtifactPath(id), record);
  const texts = warnings.map((w) => `${w.path}: ${w.message}`);
  await deps.analyses.start(mapped, { id, origin: "kayenta", warnings: texts });
  const path = `/api/standalone_canary_analysis/${id}`;
  return {
    status: 200,
    headers: { location: path },
    body: { canaryAnalysisExecutionId: id, statusUrl: absolute(request, deps, path), warnings: texts },
  };
}

/** The value, or a 400 with every problem (schema and Kayenta's cross-field rules) at its JSON path. */
function checked<T>(result: ValidationResult<T>): T {
  if (!result.ok) throw invalidBody(result.problems);
  return result.value;
}

export async function startKayentaInline(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const result = validateKayentaStandaloneBody(parseJsonBody(request));
  const body = checked(result);
  return start(request, deps, body.executionRequest, body.canaryConfig, undefined, result.warnings ?? []);
}

/**
 * `POST /standalone_canary_analysis/{canaryConfigId}`: the config is found by its Kayenta id alone (as
 * `/canaryConfig` lists it), else, as before, by name within `?application=` (default `ad-hoc`).
 */
export async function startKayentaStored(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const canaryConfigId = request.params.id ?? "";
  const json = parseJsonBody(request);
  const application = request.query.get("application") ?? "ad-hoc";
  const stored =
    (await findConfigById(deps, canaryConfigId)) ??
    (isValidStoreKey(application) && isValidStoreKey(canaryConfigId)
      ? await deps.configs.get(application, canaryConfigId)
      : undefined);
  // Body problems first (checked against the stored config's scopes when there is one), then a missing config.
  const result = validateKayentaExecutionRequest(json, { canaryConfig: stored?.config });
  const body = checked(result);
  if (!stored)
    throw notFound(
      `No canary config with id '${canaryConfigId}' (nor named so in application '${application}')`,
    );
  return start(request, deps, body, stored.config, canaryConfigId, result.warnings ?? []);
}

/** The thresholds as the Kayenta request gave them (either may be missing), for Kayenta's messages. */
function kayentaThresholds(record: KayentaStartRecord | undefined): Partial<Thresholds> | undefined {
  const t = (record?.executionRequest as { thresholds?: KayentaThresholds | null } | undefined)?.thresholds;
  if (!t) return undefined;
  return {
    ...(t.pass != null ? { pass: t.pass } : {}),
    ...(t.marginal != null ? { marginal: t.marginal } : {}),
  };
}

export async function getKayentaStatus(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const status = await deps.analyses.getStatus(id);
  if (!status) throw notFound(`No canary analysis execution '${id}'`);
  const [analysisRequest, record] = await Promise.all([
    deps.analyses.getRequest(id),
    deps.artifacts.getJson<KayentaStartRecord>(kayentaArtifactPath(id)),
  ]);
  const complete = ["passed", "marginal", "failed", "error", "canceled"].includes(status.state);
  const judgeResults = complete
    ? await Promise.all(status.judgements.map((j) => deps.analyses.getJudgement(id, j.stage, j.interval)))
    : [];
  return {
    status: 200,
    body: kayentaStatusResponse(
      status,
      kayentaThresholds(record) ?? analysisRequest?.thresholds,
      record,
      judgeResults,
    ),
  };
}
