// Maps Kayenta's execution requests onto the native request: the standalone one to one stage, /canary's to one
// judgement (docs/kayenta-rules.md §3.2–3.3).
import type { AnalysisRequest, ScopePair } from "./analysis-request.schema";
import type { CanaryConfig } from "./canary-config.schema";
import { formatIsoDuration } from "./duration";
import type {
  KayentaCanaryExecutionRequest,
  KayentaCanaryScope,
  KayentaExecutionRequest,
  KayentaScope,
  KayentaThresholds,
} from "./kayenta-request.schema";

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
  if (req.thresholds) out.thresholds = effectiveThresholds(req.thresholds);
  return out;
}

/**
 * Kayenta's partial thresholds as the complete pair the engine judges with, giving Kayenta's outcome
 * (docs/configuration.md): no pass → pass = marginal (a final score above marginal passes, "No pass
 * score threshold was specified."); no marginal → marginal 0 (no early failure before a score of 0);
 * neither → 0/0 (every score above 0 passes, "No score thresholds were specified.").
 */
export function effectiveThresholds(t: KayentaThresholds): { pass: number; marginal: number } {
  const marginal = t.marginal ?? 0;
  return { pass: t.pass ?? marginal, marginal };
}

/** The window of one side, in milliseconds. */
const windowOf = (s: KayentaCanaryScope) => ({ start: Date.parse(s.start), end: Date.parse(s.end) });

function canarySide(s: KayentaCanaryScope): ScopePair["baseline"] {
  const out: ScopePair["baseline"] = { scope: s.scope };
  if (s.location) out.location = s.location;
  const params = Object.entries(s.extendedScopeParams ?? {}).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  if (params.length > 0) out.extendedScopeParams = Object.fromEntries(params);
  return out;
}

/**
 * `POST /canary/{canaryConfigId}` (Kayenta's CanaryExecutionRequest) as one judgement: the first
 * scope's experiment window is the analysis window (start, end, one stage whose interval is the whole
 * window); each control window that starts earlier becomes that scope's baseline `offset`; `step` in
 * seconds becomes the scope's step. Validate first (validateKayentaCanaryRequest): the windows must
 * agree, as the engine judges every scope over one window.
 */
export function mapKayentaCanaryRequest(
  req: KayentaCanaryExecutionRequest,
  canaryConfig: CanaryConfig,
  opts: KayentaMappingOptions,
): AnalysisRequest {
  const first = Object.values(req.scopes)[0];
  if (!first) throw new KayentaMappingError("the request needs at least one scope");
  const window = windowOf(first.experimentScope);
  if (!(window.end > window.start))
    throw new KayentaMappingError("the experiment window must end after it starts");
  const scopes: Record<string, ScopePair> = {};
  for (const [name, pair] of Object.entries(req.scopes)) {
    const baseline = canarySide(pair.controlScope);
    const offset = window.start - windowOf(pair.controlScope).start;
    if (offset > 0) baseline.offset = formatIsoDuration(offset);
    scopes[name] = {
      baseline,
      canary: canarySide(pair.experimentScope),
      step: formatIsoDuration((pair.experimentScope.step ?? 60) * 1000),
    };
  }
  const duration = formatIsoDuration(window.end - window.start);
  const out: AnalysisRequest = {
    application: opts.application,
    canaryConfig,
    scopes,
    stages: [{ name: "kayenta", duration, interval: duration }],
    startTime: new Date(window.start).toISOString(),
    endTime: new Date(window.end).toISOString(),
    thresholds: effectiveThresholds(req.thresholds),
    mode: "kayenta-standalone",
  };
  if (opts.metricsAccount) out.metricsAccount = opts.metricsAccount;
  return out;
}
