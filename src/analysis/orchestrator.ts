// The `canaryAnalysis` orchestrator: one execution judges one interval, then continues as new (deterministic, no I/O).
import { logLine } from "../logging";
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import {
  ACTIVITIES,
  EVENTS,
  FETCH_RETRY,
  NOTIFY_RETRY,
  type AnalysisEventName,
  type AnalysisProgress,
  type CanaryAnalysisInput,
  type CanaryAnalysisOutput,
  type CancelEvent,
  type DecisionEvent,
  type FetchMetricOutput,
  type JudgeIntervalInput,
  type JudgeIntervalOutput,
  type MarkAnalysisInput,
  type RecordVerdictInput,
} from "./activity-contracts";
import type { AnalysisState, Verdict } from "./analysis-status";
import { nextAfterJudgement } from "./decide";
import { intervalWindow, stageStartMs as actualStageStart, type StagePlan } from "./plan";
import { formatIsoDuration } from "../config/duration";

type Step<T = unknown> = Generator<Task, T, unknown>;

const retry = (policy: { firstRetryIntervalMs: number; backoffCoefficient: number; maxAttempts: number }) => {
  const options = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  return options;
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const iso = (ms: number): string => new Date(ms).toISOString();

export const canaryAnalysisOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Step {
  const input = context.df.getInput<CanaryAnalysisInput>();
  const { plan, analysisId, application } = input;
  const now = (): number => context.df.currentUtcDateTime.getTime();
  const fetchRetry = retry(FETCH_RETRY);
  const notifyRetry = retry(NOTIFY_RETRY);
  const warnings = [...input.warnings];
  const scores = [...input.scores];

  function* notify(event: AnalysisEventName, text?: string): Step<void> {
    try {
      yield context.df.callActivityWithRetry(ACTIVITIES.notify, notifyRetry, {
        analysisId,
        application,
        event,
        ...(text === undefined ? {} : { message: text }),
      });
    } catch (err) {
      // A notification that cannot be delivered never changes the verdict; it is kept as a warning.
      warnings.push(`notification '${event}' failed: ${message(err)}`);
    }
  }

  function* mark(state: AnalysisState, stage?: StagePlan, reason?: string): Step<void> {
    const body: MarkAnalysisInput = { analysisId, application, state };
    if (stage) body.stage = { index: stage.index, name: stage.name };
    if (reason !== undefined) body.reason = reason;
    yield context.df.callActivityWithRetry(ACTIVITIES.markAnalysis, notifyRetry, body);
  }

  /** Waits until `fireAtMs` unless a cancel event comes first (then returns it). */
  function* waitUntil(fireAtMs: number): Step<CancelEvent | undefined> {
    if (fireAtMs <= now()) return undefined;
    const timer = context.df.createTimer(new Date(fireAtMs));
    const cancel = context.df.waitForExternalEvent(EVENTS.cancel);
    const winner = yield context.df.Task.any([timer, cancel]);
    if (winner === cancel) {
      timer.cancel();
      return (cancel.result as CancelEvent | null) ?? {};
    }
    return undefined;
  }

  function* finish(
    state: AnalysisState,
    reason: string,
    extra: { verdict?: Verdict; score?: number; stage?: StagePlan } = {},
  ): Step<CanaryAnalysisOutput> {
    const score = extra.score ?? scores.at(-1);
    const record: RecordVerdictInput = { analysisId, application, state, reason, warnings };
    if (extra.verdict) record.verdict = extra.verdict;
    if (score !== undefined) record.score = score;
    if (extra.stage) record.stage = { index: extra.stage.index, name: extra.stage.name };
    yield context.df.callActivityWithRetry(ACTIVITIES.recordVerdict, notifyRetry, record);
    if (!context.df.isReplaying)
      context.log(
        logLine(
          "analysis.completed",
          { analysisId, application },
          { state, verdict: extra.verdict, score, reason },
        ),
      );
    yield* notify("completed", reason);
    const output: CanaryAnalysisOutput = { state, reason };
    if (extra.verdict) output.verdict = extra.verdict;
    if (score !== undefined) output.score = score;
    return output;
  }

  /** Moves on after a stage passed: the next stage in a new execution, or the final pass. */
  function* stagePassed(
    stage: StagePlan,
    reason: string,
    stateRef: string | undefined,
  ): Step<CanaryAnalysisOutput | undefined> {
    if (stage.index + 1 >= plan.stages.length) {
      return yield* finish("passed", reason, { verdict: "pass", stage });
    }
    const next: CanaryAnalysisInput = {
      ...input,
      cursor: { stage: stage.index + 1, interval: 0 },
      judgementIndex: input.judgementIndex + 1,
      scores,
      warnings,
      announced: true,
    };
    if (stateRef !== undefined) next.judgeStateRef = stateRef;
    context.df.continueAsNew(next);
    return undefined;
  }

  // --- the first execution announces the analysis
  if (!input.announced) {
    yield* mark("running", plan.stages[0]);
    yield* notify("started");
  }

  const stage = plan.stages[input.cursor.stage];
  if (!stage) return yield* finish("error", `the plan has no stage ${input.cursor.stage}`);

  // --- stage start: its actual start time and the traffic hook
  let startMs = input.cursor.stageStartMs;
  if (startMs === undefined) {
    startMs = actualStageStart(stage, now());
    if (input.cursor.stage > 0) yield* mark("running", stage);
    if (plan.trafficHook && stage.trafficWeight !== undefined) {
      try {
        yield context.df.callActivityWithRetry(ACTIVITIES.setTrafficWeight, fetchRetry, {
          analysisId,
          application,
          stage: { index: stage.index, name: stage.name, trafficWeight: stage.trafficWeight },
        });
      } catch (err) {
        return yield* finish("error", `the traffic hook failed for stage '${stage.name}': ${message(err)}`, {
          stage,
        });
      }
    }
    if (stage.judgements === 0) {
      warnings.push(`stage '${stage.name}' is shorter than its interval and was not judged`);
      const passed = yield* stagePassed(stage, `stage '${stage.name}' had no judgement`, input.judgeStateRef);
      return passed;
    }
  }

  // --- wait for the interval's data (window end + ingestion lag)
  const interval = input.cursor.interval;
  const window = intervalWindow(plan, stage, startMs, interval);
  const where = `stage '${stage.name}' interval ${interval + 1}/${stage.judgements}`;
  const progress: AnalysisProgress = {
    state: "running",
    stage: { index: stage.index, name: stage.name },
    interval,
    scores,
    nextJudgementAt: iso(window.fetchAtMs),
  };
  const lastScore = scores.at(-1);
  if (lastScore !== undefined) progress.lastScore = lastScore;
  context.df.setCustomStatus(progress);
  const canceled = yield* waitUntil(window.fetchAtMs);
  if (canceled) return yield* finish("canceled", canceled.reason ?? "canceled", { stage });

  // --- fetch every metric (fan-out), each stored to Blob by its activity
  const windowIso = { start: iso(window.startMs), end: iso(window.endMs) };
  const fetches = Array.from({ length: input.metricCount }, (_, metricIndex) =>
    context.df.callActivityWithRetry(ACTIVITIES.fetchMetric, fetchRetry, {
      analysisId,
      stage: stage.index,
      interval,
      metricIndex,
      window: windowIso,
    }),
  );
  let fetched: FetchMetricOutput[];
  try {
    fetched = (yield context.df.Task.all(fetches)) as FetchMetricOutput[];
  } catch (err) {
    return yield* finish(
      "error",
      `${where}: a metric source stayed unavailable after ${FETCH_RETRY.maxAttempts} attempts: ${message(err)}`,
      { stage },
    );
  }
  const refs: string[] = [];
  for (const f of fetched) {
    if (!f.ok)
      return yield* finish("error", `${where}: metric '${f.metric}' could not be fetched: ${f.reason}`, {
        stage,
      });
    refs.push(f.ref);
  }

  // --- judge
  const judgeInput: JudgeIntervalInput = {
    analysisId,
    application,
    stage: stage.index,
    stageName: stage.name,
    interval,
    judgementIndex: input.judgementIndex,
    window: windowIso,
    metricRefs: refs,
  };
  if (input.judgeStateRef !== undefined) judgeInput.previousStateRef = input.judgeStateRef;
  let judged: JudgeIntervalOutput;
  try {
    judged = (yield context.df.callActivityWithRetry(
      ACTIVITIES.judgeInterval,
      notifyRetry,
      judgeInput,
    )) as JudgeIntervalOutput;
  } catch (err) {
    return yield* finish("error", `${where}: the judgement failed: ${message(err)}`, { stage });
  }
  scores.push(judged.score);
  if (!context.df.isReplaying)
    context.log(
      logLine(
        "analysis.judgement",
        { analysisId, application, stage: stage.index, interval },
        {
          score: judged.score,
          classification: judged.classification,
          decision: judged.decision,
          failedMetrics: judged.failedMetrics.join(", "),
        },
      ),
    );
  const failed = judged.failedMetrics.length ? ` failed: ${judged.failedMetrics.join(", ")}` : "";
  yield* notify(
    "judgement",
    `${where} [${windowIso.start} .. ${windowIso.end}] score ${judged.score} (${judged.classification})${failed}`,
  );
  if (judged.cancelRequested) return yield* finish("canceled", "canceled", { stage });

  const isLast = interval + 1 >= stage.judgements;
  const next = nextAfterJudgement(
    plan.mode,
    plan.thresholds,
    {
      score: judged.score,
      classification: judged.classification,
      failedMetrics: judged.failedMetrics,
      reason: judged.reason,
      ...(judged.decision === undefined ? {} : { decision: judged.decision }),
    },
    isLast,
    where,
  );
  switch (next.kind) {
    case "continue": {
      const cont: CanaryAnalysisInput = {
        ...input,
        cursor: { stage: stage.index, interval: interval + 1, stageStartMs: startMs },
        judgementIndex: input.judgementIndex + 1,
        scores,
        warnings,
        announced: true,
      };
      if (judged.stateRef !== undefined) cont.judgeStateRef = judged.stateRef;
      context.df.continueAsNew(cont);
      return undefined;
    }
    case "fail":
      return yield* finish("failed", next.reason, { verdict: "fail", stage });
    case "stage-passed":
      return yield* stagePassed(stage, next.reason, judged.stateRef);
    case "stage-marginal":
      break;
  }

  // --- a marginal stage: the request's onMarginal rule
  const onMarginal = plan.onMarginal;
  if (onMarginal.action === "fail")
    return yield* finish("marginal", next.reason, { verdict: "marginal", stage });
  if (onMarginal.action === "pass") {
    warnings.push(`${next.reason}; accepted by onMarginal: pass`);
    return yield* stagePassed(stage, next.reason, judged.stateRef);
  }
  const deadlineMs = now() + onMarginal.timeoutMs;
  context.df.setCustomStatus({
    ...progress,
    state: "awaiting-decision",
    decisionDeadline: iso(deadlineMs),
  } satisfies AnalysisProgress);
  const awaiting = `${next.reason}; approve or reject before ${iso(deadlineMs)}`;
  yield* mark("awaiting-decision", stage, awaiting);
  yield* notify("awaiting-decision", awaiting);
  const timeout = context.df.createTimer(new Date(deadlineMs));
  const decision = context.df.waitForExternalEvent(EVENTS.decision);
  const cancel = context.df.waitForExternalEvent(EVENTS.cancel);
  const winner = yield context.df.Task.any([decision, cancel, timeout]);
  if (winner !== timeout) timeout.cancel();
  if (winner === cancel) {
    return yield* finish("canceled", (cancel.result as CancelEvent | null)?.reason ?? "canceled", { stage });
  }
  if (winner === timeout) {
    return yield* finish(
      "failed",
      `${next.reason}; no decision within ${formatIsoDuration(onMarginal.timeoutMs)}`,
      { verdict: "fail", stage },
    );
  }
  const event = (decision.result as DecisionEvent | null) ?? { action: "reject" };
  const because = event.reason ? `: ${event.reason}` : "";
  if (event.action !== "approve") {
    return yield* finish("failed", `${next.reason}; rejected${because}`, { verdict: "fail", stage });
  }
  warnings.push(`${next.reason}; approved${because}`);
  yield* mark("running", stage, `approved${because}`);
  return yield* stagePassed(stage, `${next.reason}; approved${because}`, judged.stateRef);
};
