// Maps Kayenta's CanaryAnalysisExecutionRequest onto one stage of the native request (docs/kayenta-rules.md §3.2–3.3).
import type { AnalysisRequest, ScopePair } from "./analysis-request.schema";
import type { CanaryConfig } from "./canary-config.schema";
import { formatIsoDuration } from "./duration";
import type { KayentaExecutionRequest, KayentaScope } from "./kayenta-request.schema";

/** A Kayenta request that cannot be mapped (validate it first with validateKayentaExecutionRequest). */
export class KayentaMappingError extends Error {
  override readonly name = "KayentaMappingError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface KayentaMappingOptions {
  /** Kayenta's `application` query parameter (default there: "ad-hoc"). */
  application: string;
  /** Kayenta's `metricsAccountName` query parameter. */
  metricsAccount?: string | undefined;
}

const MINUTE_MS = 60_000;
const minutes = (n: number): string => formatIsoDuration(n * MINUTE_MS);

/** The analysis lifetime in whole minutes: from scopes[0]'s start to its end when an end is given, else lifetimeDurationMins. */
export function kayentaLifetimeMinutes(req: KayentaExecutionRequest): number | undefined {
  const first = req.scopes[0];
  if (first?.endTimeIso) {
    if (!first.startTimeIso) return undefined;
    return Math.floor((Date.parse(first.endTimeIso) - Date.parse(first.startTimeIso)) / MINUTE_MS);
  }
  return req.lifetimeDurationMins ?? undefined;
}

function side(
  scope: string,
  location: string | null | undefined,
  params: KayentaScope["extendedScopeParams"],
) {
  const out: ScopePair["baseline"] = { scope };
  if (location) out.location = location;
  if (params && Object.keys(params).length > 0) out.extendedScopeParams = { ...params };
  return out;
}

/**
 * One stage: duration = lifetime (or whole minutes from start to end), interval = analysisIntervalMins
 * (0, absent or longer than the lifetime → the lifetime), warm-up = beginAfterMins in real-time mode
 * (a retrospective run has nothing to wait for, and Kayenta's windows ignore it there too), lookback =
 * lookbackMins when > 0. Every scope's control offset becomes the baseline `offset`; scopes[0] supplies
 * start, end and step for all (as in Kayenta). `mode: "kayenta-standalone"` keeps Kayenta's judgement
 * count and fail-early semantics.
 */
export function mapKayentaRequest(
  req: KayentaExecutionRequest,
  canaryConfig: CanaryConfig,
  opts: KayentaMappingOptions,
): AnalysisRequest {
  const first = req.scopes[0];
  const lifetime = kayentaLifetimeMinutes(req);
  if (!first || lifetime === undefined || lifetime < 1)
    throw new KayentaMappingError(
      "the request needs a lifetime of at least one minute (lifetimeDurationMins or scopes[0] start and end)",
    );
  const requested = req.analysisIntervalMins ?? 0;
  const interval = requested === 0 || requested > lifetime ? lifetime : requested;
  const step = formatIsoDuration((first.step ?? 60) * 1000);

  const scopes: Record<string, ScopePair> = {};
  for (const s of req.scopes) {
    const baseline = side(s.controlScope, s.controlLocation, s.extendedScopeParams);
    if (s.controlOffsetInMinutes) baseline.offset = minutes(s.controlOffsetInMinutes);
    scopes[s.scopeName ?? "default"] = {
      baseline,
      canary: side(s.experimentScope, s.experimentLocation, s.extendedScopeParams),
      step,
    };
  }

  const stage: AnalysisRequest["stages"][number] = {
    name: "kayenta",
    duration: minutes(lifetime),
    interval: minutes(interval),
  };
  if (req.beginAfterMins && !first.endTimeIso) stage.warmup = minutes(req.beginAfterMins);
  if (req.lookbackMins) stage.lookback = minutes(req.lookbackMins);

  const out: AnalysisRequest = {
    application: opts.application,
    canaryConfig,
    scopes,
    stages: [stage],
    mode: "kayenta-standalone",
  };
  if (opts.metricsAccount) out.metricsAccount = opts.metricsAccount;
  if (first.startTimeIso) out.startTime = first.startTimeIso;
  if (first.endTimeIso) out.endTime = first.endTimeIso;
  if (req.thresholds) out.thresholds = { pass: req.thresholds.pass, marginal: req.thresholds.marginal };
  return out;
}
