// Stage planning (pure): from a validated request, the stages and the judgement windows inside each.
import type { AnalysisRequest, ScopePair } from "../config/analysis-request.schema";
import { parseIsoDuration } from "../config/duration";
import { REQUEST_DEFAULTS } from "../config/request-defaults";
import type { Thresholds } from "../judge/types";

/**
 * The service plans the stored request, whose defaults are already resolved (src/config/request-defaults.ts);
 * what a bare request leaves out falls back to those same defaults, defined only there.
 */
const DEFAULT_MS = {
  ingestionLag: parseIsoDuration(REQUEST_DEFAULTS.ingestionLag) ?? 0,
  step: parseIsoDuration(REQUEST_DEFAULTS.step) ?? 0,
  decisionTimeout: parseIsoDuration(REQUEST_DEFAULTS.decisionTimeout) ?? 0,
};

/**
 * `native`: Coalmine's stage semantics (see `decide.ts`).
 * `kayenta-standalone`: Kayenta's SetupAndExecuteCanariesStage (docs/kayenta-rules.md §3.3): one stage, fail early
 * when a score is at or below marginal, the final decision from the last score only.
 */
export type PlanMode = "native" | "kayenta-standalone";

export interface StagePlan {
  index: number;
  name: string;
  trafficWeight?: number;
  warmupMs: number;
  durationMs: number;
  intervalMs: number;
  /** Absent: growing window from the stage start (after warm-up); present: sliding window. */
  lookbackMs?: number;
  /** Judgements in the stage: floor(duration / interval) (Kayenta drops the remainder too). */
  judgements: number;
  /** Start if every earlier stage runs its full length (epoch ms). */
  plannedStartMs: number;
  /** A manual gate after the stage passed: a person's decision before the next stage starts. */
  approval?: { timeoutMs: number; onTimeout: "abort" | "proceed" };
}

export type OnMarginal =
  { action: "fail" } | { action: "pass" } | { action: "await-decision"; timeoutMs: number };

export interface AnalysisPlan {
  mode: PlanMode;
  startMs: number;
  ingestionLagMs: number;
  thresholds: Thresholds;
  judge: string;
  onMarginal: OnMarginal;
  /** Whether a traffic hook is told each stage's weight. */
  trafficHook: boolean;
  /** Whether a judge's early pass may end the last stage before its planned end. */
  passLastStageEarly: boolean;
  stages: StagePlan[];
}

/** One judgement's window on the shared timeline (before per-side offsets), epoch ms. */
export interface IntervalWindow {
  stage: number;
  interval: number;
  startMs: number;
  endMs: number;
  /** When the data is expected to be in: window end + ingestion lag. */
  fetchAtMs: number;
}

/** What planning reads: the native request, plus Kayenta's mode flag when the request came from the standalone API. */
export type PlanRequest = Pick<
  AnalysisRequest,
  | "stages"
  | "startTime"
  | "thresholds"
  | "judge"
  | "ingestionLag"
  | "onMarginal"
  | "trafficHook"
  | "passLastStageEarly"
> & { mode?: PlanMode | undefined };

const ms = (iso: string | undefined, fallback: number): number =>
  iso === undefined ? fallback : (parseIsoDuration(iso) ?? fallback);

/** Plans the analysis. `nowMs` is the start when the request names none. */
export function planAnalysis(request: PlanRequest, nowMs: number): AnalysisPlan {
  const mode: PlanMode = request.mode ?? "native";
  const startMs = request.startTime === undefined ? nowMs : Date.parse(request.startTime);
  let cursor = startMs;
  const stages = request.stages.map((stage, index): StagePlan => {
    const durationMs = ms(stage.duration, 0);
    let intervalMs = ms(stage.interval, durationMs);
    // Kayenta: interval 0 or longer than the lifetime means one judgement over the whole lifetime.
    if (intervalMs <= 0 || intervalMs > durationMs) intervalMs = durationMs;
    const warmupMs = ms(stage.warmup, 0);
    const plan: StagePlan = {
      index,
      name: stage.name ?? `stage ${index + 1}`,
      warmupMs,
      durationMs,
      intervalMs,
      judgements: intervalMs > 0 ? Math.floor(durationMs / intervalMs) : 0,
      plannedStartMs: cursor,
    };
    if (stage.trafficWeight !== undefined) plan.trafficWeight = stage.trafficWeight;
    const lookbackMs = stage.lookback === undefined ? undefined : ms(stage.lookback, 0);
    if (lookbackMs !== undefined && lookbackMs > 0) plan.lookbackMs = lookbackMs;
    if (stage.approval?.required) {
      plan.approval = {
        timeoutMs: ms(stage.approval.timeout, parseIsoDuration(REQUEST_DEFAULTS.approvalTimeout) ?? 0),
        onTimeout: stage.approval.onTimeout ?? REQUEST_DEFAULTS.approvalOnTimeout,
      };
    }
    cursor += warmupMs + durationMs;
    return plan;
  });
  const onMarginal: OnMarginal =
    request.onMarginal?.action === "await-decision"
      ? {
          action: "await-decision",
          timeoutMs: ms(request.onMarginal.timeout, DEFAULT_MS.decisionTimeout),
        }
      : { action: request.onMarginal?.action ?? REQUEST_DEFAULTS.onMarginal };
  return {
    mode,
    startMs,
    ingestionLagMs: ms(request.ingestionLag, DEFAULT_MS.ingestionLag),
    thresholds: request.thresholds ?? { ...REQUEST_DEFAULTS.thresholds },
    judge: request.judge ?? REQUEST_DEFAULTS.judge,
    onMarginal,
    trafficHook: request.trafficHook !== undefined,
    passLastStageEarly: request.passLastStageEarly ?? REQUEST_DEFAULTS.passLastStageEarly,
    stages,
  };
}

/**
 * When a stage really starts: its planned start when that is already past (retrospective runs, or a
 * live run a little late), else now (a live run whose previous stage ended early).
 */
export function stageStartMs(stage: StagePlan, nowMs: number): number {
  return Math.min(stage.plannedStartMs, nowMs);
}

/**
 * The window of judgement `interval` of a stage that started at `startMs`.
 * Growing: [start + warm-up, end]; sliding: [end - lookback, end], clamped to the end of the warm-up in
 * native mode (data from before the stage ran at another traffic weight). Kayenta does not clamp
 * (docs/kayenta-rules.md §3.3: windowStart = windowEnd - lookbackMins).
 */
export function intervalWindow(
  plan: AnalysisPlan,
  stage: StagePlan,
  startMs: number,
  interval: number,
): IntervalWindow {
  const from = startMs + stage.warmupMs;
  const endMs = from + (interval + 1) * stage.intervalMs;
  let windowStart = from;
  if (stage.lookbackMs !== undefined) {
    windowStart = endMs - stage.lookbackMs;
    if (plan.mode === "native") windowStart = Math.max(windowStart, from);
  }
  return {
    stage: stage.index,
    interval,
    startMs: windowStart,
    endMs,
    fetchAtMs: endMs + plan.ingestionLagMs,
  };
}

/** Every judgement window if each stage runs its full length from its planned start (dry runs, reports, tests). */
export function listWindows(plan: AnalysisPlan): IntervalWindow[] {
  return plan.stages.flatMap((stage) =>
    Array.from({ length: stage.judgements }, (_, i) => intervalWindow(plan, stage, stage.plannedStartMs, i)),
  );
}

export interface SideWindows {
  baseline: { start: string; end: string };
  canary: { start: string; end: string };
  stepSeconds: number;
}

/** The per-side query windows of a scope pair: each side shifted back by its `offset` (Kayenta's controlOffsetInMinutes). */
export function sideWindows(
  window: Pick<IntervalWindow, "startMs" | "endMs">,
  scopes: ScopePair,
): SideWindows {
  const shift = (offset: string | undefined) => {
    const off = ms(offset, 0);
    return {
      start: new Date(window.startMs - off).toISOString(),
      end: new Date(window.endMs - off).toISOString(),
    };
  };
  return {
    baseline: shift(scopes.baseline.offset),
    canary: shift(scopes.canary.offset),
    stepSeconds: Math.max(1, Math.round(ms(scopes.step, DEFAULT_MS.step) / 1000)),
  };
}
