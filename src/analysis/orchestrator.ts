// The `canaryAnalysis` orchestrator: one execution judges one interval, then continues as new (deterministic, no I/O).
// It reads as its diagram (docs/adr/0003-orchestration.md): begin stage → await window → fetch → judge →
// (resolve marginal) → next interval, next stage or finish. Each phase is a small generator returning a `Next`.
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import { logLine } from "../logging";
import { formatIsoDuration } from "../config/duration";
import {
  ACTIVITIES,
  ACTIVITY_RETRY,
  EVENTS,
  type ActivityInput,
  type ActivityName,
  type ActivityOutput,
  type AnalysisEventName,
  type AnalysisProgress,
  type CanaryAnalysisInput,
  type CanaryAnalysisOutput,
  type CancelEvent,
  type DecisionEvent,
  type RetryPolicy,
} from "./activity-contracts";
import type { AnalysisState, Verdict } from "./analysis-status";
import { nextAfterJudgement } from "./decide";
import { intervalWindow, stageStartMs, type IntervalWindow, type StagePlan } from "./plan";
import { errorLine } from "../error-text";

/**
 * A step of the orchestration. Its `next` type is `never`: a phase never reads a bare `yield`, only the
 * typed helpers below do (their yield returns exactly what the awaited task gives back).
 */
type Step<T> = Generator<Task, T, never>;

/** Where a phase hands over. */
type Next =
  | { kind: "await-window"; stage: StagePlan; startMs: number }
  | { kind: "fetch"; stage: StagePlan; startMs: number; window: IntervalWindow; progress: AnalysisProgress }
  | {
      kind: "judge";
      stage: StagePlan;
      startMs: number;
      window: IntervalWindow;
      refs: string[];
      progress: AnalysisProgress;
    }
  | {
      kind: "resolve-marginal";
      stage: StagePlan;
      reason: string;
      stateRef: string | undefined;
      progress: AnalysisProgress;
    }
  | { kind: "await-approval"; stage: StagePlan; reason: string; stateRef: string | undefined }
  | { kind: "continue-as-new"; input: CanaryAnalysisInput }
  | Finish;

/** The end of the analysis: its state, why, and the verdict when there is one. */
interface Finish {
  kind: "finish";
  state: AnalysisState;
  reason: string;
  verdict?: Verdict;
  stage?: StagePlan;
}

const finishWith = (
  state: AnalysisState,
  reason: string,
  extra: { verdict?: Verdict; stage?: StagePlan } = {},
): Finish => ({ kind: "finish", state, reason, ...extra });

/** One line of an activity's failure (its first line: the host appends the stack, which goes to the log only). */
const message = (err: unknown): string => errorLine(err);
const iso = (ms: number): string => new Date(ms).toISOString();
const stageRef = (stage: StagePlan) => ({ index: stage.index, name: stage.name });

function retryOptions(policy: RetryPolicy): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  return options;
}

/**
 * Custom status and the next execution's input stay small whatever the analysis's length: the Durable extension
 * refuses a custom status over 16 KB (UTF-16), about 1,500 scores (docs/adr/0008-restart-safe-serve.md). They
 * carry the last RECENT_SCORES scores and the count; every score is in the intervals table.
 */
export const RECENT_SCORES = 20;
/** Warnings kept (the row's warnings must stay well inside Table Storage's 64 KB per property). */
export const MAX_WARNINGS = 50;

const MORE = /^… and (\d+) more warnings$/;

/** The first MAX_WARNINGS - 1 warnings and one line counting the rest (carried across executions). */
function boundedWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return [...warnings];
  const kept = warnings.slice(0, MAX_WARNINGS - 1);
  const dropped = warnings.slice(MAX_WARNINGS - 1).reduce((n, w) => n + Number(MORE.exec(w)?.[1] ?? 1), 0);
  return [...kept, `… and ${dropped} more warnings`];
}

/** One execution's state: its input, what it adds (scores, warnings), and typed access to the durable context. */
class Run {
  readonly input: CanaryAnalysisInput;
  readonly warnings: string[];
  readonly scores: number[];
  private readonly retry: { [N in ActivityName]: df.RetryOptions };

  constructor(readonly context: OrchestrationContext) {
    this.input = context.df.getInput<CanaryAnalysisInput>();
    this.warnings = [...this.input.warnings];
    this.scores = [...this.input.scores];
    const policies = Object.entries(ACTIVITY_RETRY) as [ActivityName, RetryPolicy][];
    this.retry = Object.fromEntries(policies.map(([name, p]) => [name, retryOptions(p)])) as {
      [N in ActivityName]: df.RetryOptions;
    };
  }

  get plan() {
    return this.input.plan;
  }
  get who() {
    return { analysisId: this.input.analysisId, application: this.input.application };
  }
  now(): number {
    return this.context.df.currentUtcDateTime.getTime();
  }
  log(
    event: string,
    fields: Record<string, string | number | boolean | undefined>,
    where: { stage?: number; interval?: number } = {},
  ): void {
    if (!this.context.df.isReplaying) this.context.log(logLine(event, { ...this.who, ...where }, fields));
  }

  /** Calls an activity under its role's retry policy; the result is typed by the activity map. */
  *call<N extends ActivityName>(
    name: N,
    input: ActivityInput<N>,
  ): Generator<Task, ActivityOutput<N>, ActivityOutput<N>> {
    return yield this.context.df.callActivityWithRetry(name, this.retry[name], input);
  }

  /** Calls one activity with many inputs at once (fan-out) and waits for all. */
  *callAll<N extends ActivityName>(
    name: N,
    inputs: ActivityInput<N>[],
  ): Generator<Task, ActivityOutput<N>[], ActivityOutput<N>[]> {
    const tasks = inputs.map((input) => this.context.df.callActivityWithRetry(name, this.retry[name], input));
    return yield this.context.df.Task.all(tasks);
  }

  /** Waits for the first of the tasks; returns the winner. */
  *first(tasks: Task[]): Generator<Task, Task, Task> {
    return yield this.context.df.Task.any(tasks);
  }

  /** The input of the next execution: the same analysis, moved on. */
  moveOn(cursor: CanaryAnalysisInput["cursor"], stateRef: string | undefined): Next {
    const next: CanaryAnalysisInput = {
      ...this.input,
      cursor,
      judgementIndex: this.input.judgementIndex + 1,
      scores: this.scores.slice(-RECENT_SCORES),
      warnings: boundedWarnings(this.warnings),
      announced: true,
    };
    if (stateRef !== undefined) next.judgeStateRef = stateRef;
    return { kind: "continue-as-new", input: next };
  }
}

// --- small steps shared by the phases

function* notify(run: Run, event: AnalysisEventName, text?: string): Step<void> {
  try {
    yield* run.call(ACTIVITIES.notify, {
      ...run.who,
      event,
      ...(text === undefined ? {} : { message: text }),
    });
  } catch (err) {
    // A notification that cannot be delivered never changes the verdict; it is kept as a warning.
    run.warnings.push(`notification '${event}' failed: ${message(err)}`);
  }
}

function* mark(run: Run, state: AnalysisState, stage?: StagePlan, reason?: string): Step<void> {
  yield* run.call(ACTIVITIES.markAnalysis, {
    ...run.who,
    state,
    ...(stage ? { stage: stageRef(stage) } : {}),
    ...(reason === undefined ? {} : { reason }),
  });
}

/**
 * After a stage passed: the final pass, the stage's manual gate (unless a person has just approved the stage's
 * marginal result), or the next stage in a new execution.
 */
function stagePassed(
  run: Run,
  stage: StagePlan,
  reason: string,
  stateRef: string | undefined,
  decidedByAPerson = false,
): Next {
  if (stage.index + 1 >= run.plan.stages.length)
    return finishWith("passed", reason, { verdict: "pass", stage });
  if (stage.approval && !decidedByAPerson) return { kind: "await-approval", stage, reason, stateRef };
  return run.moveOn({ stage: stage.index + 1, interval: 0 }, stateRef);
}

/** Waits for a decision event, a cancel or the deadline, whichever comes first. */
function* awaitDecision(
  run: Run,
  deadlineMs: number,
): Step<
  { kind: "decision"; event: DecisionEvent } | { kind: "cancel"; reason: string } | { kind: "timeout" }
> {
  const timeout = run.context.df.createTimer(new Date(deadlineMs));
  const decision = run.context.df.waitForExternalEvent(EVENTS.decision);
  const cancel = run.context.df.waitForExternalEvent(EVENTS.cancel);
  const winner = yield* run.first([decision, cancel, timeout]);
  if (winner !== timeout) timeout.cancel();
  if (winner === cancel)
    return { kind: "cancel", reason: (cancel.result as CancelEvent | null)?.reason ?? "canceled" };
  if (winner === timeout) return { kind: "timeout" };
  return { kind: "decision", event: (decision.result as DecisionEvent | null) ?? { action: "reject" } };
}

const byWhom = (event: DecisionEvent): string => (event.by ? ` (${event.by})` : "");

const whereOf = (stage: StagePlan, interval: number): string =>
  `stage '${stage.name}' interval ${interval + 1}/${stage.judgements}`;

// --- the phases

/** Announces the analysis once, then starts the stage (its actual start and the traffic hook) unless it runs already. */
function* beginStage(run: Run): Step<Next> {
  const { input, plan } = run;
  if (!input.announced) {
    yield* mark(run, "running", plan.stages[0]);
    yield* notify(run, "started");
  }
  const stage = plan.stages[input.cursor.stage];
  if (!stage) return finishWith("error", `the plan has no stage ${input.cursor.stage}`);
  if (input.cursor.stageStartMs !== undefined)
    return { kind: "await-window", stage, startMs: input.cursor.stageStartMs };

  const startMs = stageStartMs(stage, run.now());
  if (input.cursor.stage > 0) yield* mark(run, "running", stage);
  if (plan.trafficHook && stage.trafficWeight !== undefined) {
    try {
      yield* run.call(ACTIVITIES.setTrafficWeight, {
        ...run.who,
        stage: { ...stageRef(stage), trafficWeight: stage.trafficWeight },
      });
    } catch (err) {
      return finishWith("error", `the traffic hook failed for stage '${stage.name}': ${message(err)}`, {
        stage,
      });
    }
  }
  if (stage.judgements === 0) {
    run.warnings.push(`stage '${stage.name}' is shorter than its interval and was not judged`);
    return stagePassed(run, stage, `stage '${stage.name}' had no judgement`, input.judgeStateRef);
  }
  return { kind: "await-window", stage, startMs };
}

/** Publishes progress and waits for the interval's data (window end + ingestion lag), unless canceled first. */
function* awaitWindow(run: Run, { stage, startMs }: Extract<Next, { kind: "await-window" }>): Step<Next> {
  const interval = run.input.cursor.interval;
  const window = intervalWindow(run.plan, stage, startMs, interval);
  const progress: AnalysisProgress = {
    state: "running",
    stage: stageRef(stage),
    interval,
    scores: run.scores.slice(-RECENT_SCORES),
    judgements: run.input.judgementIndex,
    nextJudgementAt: iso(window.fetchAtMs),
  };
  const lastScore = run.scores.at(-1);
  if (lastScore !== undefined) progress.lastScore = lastScore;
  run.context.df.setCustomStatus(progress);
  if (window.fetchAtMs > run.now()) {
    const timer = run.context.df.createTimer(new Date(window.fetchAtMs));
    const cancel = run.context.df.waitForExternalEvent(EVENTS.cancel);
    const winner = yield* run.first([timer, cancel]);
    if (winner === cancel) {
      timer.cancel();
      return finishWith("canceled", (cancel.result as CancelEvent | null)?.reason ?? "canceled", { stage });
    }
  }
  return { kind: "fetch", stage, startMs, window, progress };
}

/** Fetches every metric (fan-out); each fetch stores its pairs and returns where. */
function* fetchMetrics(run: Run, next: Extract<Next, { kind: "fetch" }>): Step<Next> {
  const { stage, window } = next;
  const where = whereOf(stage, window.interval);
  const inputs = Array.from({ length: run.input.metricCount }, (_, metricIndex) => ({
    analysisId: run.input.analysisId,
    stage: stage.index,
    interval: window.interval,
    metricIndex,
    window: { start: iso(window.startMs), end: iso(window.endMs) },
  }));
  let fetched: ActivityOutput<"fetchMetric">[];
  try {
    fetched = yield* run.callAll(ACTIVITIES.fetchMetric, inputs);
  } catch (err) {
    const attempts = ACTIVITY_RETRY.fetchMetric.maxAttempts;
    return finishWith(
      "error",
      `${where}: a metric source stayed unavailable after ${attempts} attempts: ${message(err)}`,
      { stage },
    );
  }
  const refs: string[] = [];
  for (const f of fetched) {
    if (!f.ok)
      return finishWith("error", `${where}: metric '${f.metric}' could not be fetched: ${f.reason}`, {
        stage,
      });
    refs.push(f.ref);
  }
  return { ...next, kind: "judge", refs };
}

/** Judges the interval, tells the world, and decides what follows (decide.ts). */
function* judge(
  run: Run,
  { stage, startMs, window, refs, progress }: Extract<Next, { kind: "judge" }>,
): Step<Next> {
  const { input, plan } = run;
  const interval = window.interval;
  const where = whereOf(stage, interval);
  const windowIso = { start: iso(window.startMs), end: iso(window.endMs) };
  let judged: ActivityOutput<"judgeInterval">;
  try {
    judged = yield* run.call(ACTIVITIES.judgeInterval, {
      ...run.who,
      stage: stage.index,
      stageName: stage.name,
      interval,
      judgementIndex: input.judgementIndex,
      window: windowIso,
      metricRefs: refs,
      ...(input.judgeStateRef === undefined ? {} : { previousStateRef: input.judgeStateRef }),
    });
  } catch (err) {
    return finishWith("error", `${where}: the judgement failed: ${message(err)}`, { stage });
  }
  run.scores.push(judged.score);
  run.log(
    "analysis.judgement",
    {
      score: judged.score,
      classification: judged.classification,
      decision: judged.decision,
      failedMetrics: judged.failedMetrics.join(", "),
    },
    { stage: stage.index, interval },
  );
  const failed =
    (judged.failedMetrics.length ? ` failed: ${judged.failedMetrics.join(", ")}` : "") +
    (judged.undecidedMetrics?.length ? ` undecided: ${judged.undecidedMetrics.join(", ")}` : "");
  yield* notify(
    run,
    "judgement",
    `${where} [${windowIso.start} .. ${windowIso.end}] score ${judged.score} (${judged.classification})${failed}`,
  );
  if (judged.cancelRequested) return finishWith("canceled", judged.cancelReason ?? "canceled", { stage });

  const decided = nextAfterJudgement(
    plan.mode,
    plan.thresholds,
    {
      score: judged.score,
      classification: judged.classification,
      failedMetrics: judged.failedMetrics,
      reason: judged.reason,
      ...(judged.decision === undefined ? {} : { decision: judged.decision }),
    },
    interval + 1 >= stage.judgements,
    where,
    { isLastStage: stage.index === plan.stages.length - 1, passLastStageEarly: plan.passLastStageEarly },
  );
  switch (decided.kind) {
    case "continue":
      return run.moveOn(
        { stage: stage.index, interval: interval + 1, stageStartMs: startMs },
        judged.stateRef,
      );
    case "fail":
      return finishWith("failed", decided.reason, { verdict: "fail", stage });
    case "stage-passed":
      return stagePassed(run, stage, decided.reason, judged.stateRef);
    case "stage-marginal":
      return { kind: "resolve-marginal", stage, reason: decided.reason, stateRef: judged.stateRef, progress };
  }
}

/** A marginal stage: the request's onMarginal rule (fail, pass, or await a person's decision until a deadline). */
function* resolveMarginal(
  run: Run,
  { stage, reason, stateRef, progress }: Extract<Next, { kind: "resolve-marginal" }>,
): Step<Next> {
  const onMarginal = run.plan.onMarginal;
  if (onMarginal.action === "fail") return finishWith("marginal", reason, { verdict: "marginal", stage });
  if (onMarginal.action === "pass") {
    run.warnings.push(`${reason}; accepted by onMarginal: pass`);
    return stagePassed(run, stage, reason, stateRef);
  }
  const deadlineMs = run.now() + onMarginal.timeoutMs;
  run.context.df.setCustomStatus({
    ...progress,
    state: "awaiting-decision",
    decisionDeadline: iso(deadlineMs),
  } satisfies AnalysisProgress);
  const awaiting = `${reason}; approve or reject before ${iso(deadlineMs)}`;
  yield* mark(run, "awaiting-decision", stage, awaiting);
  yield* notify(run, "awaiting-decision", awaiting);
  const outcome = yield* awaitDecision(run, deadlineMs);
  if (outcome.kind === "cancel") return finishWith("canceled", outcome.reason, { stage });
  if (outcome.kind === "timeout") {
    return finishWith("failed", `${reason}; no decision within ${formatIsoDuration(onMarginal.timeoutMs)}`, {
      verdict: "fail",
      stage,
    });
  }
  const event = outcome.event;
  const because = `${byWhom(event)}${event.reason ? `: ${event.reason}` : ""}`;
  if (event.action !== "approve")
    return finishWith("failed", `${reason}; rejected${because}`, { verdict: "fail", stage });
  run.warnings.push(`${reason}; approved${because}`);
  yield* mark(run, "running", stage, `approved${because}`);
  // The person who approved the marginal stage has also let the next stage start: no second gate.
  return stagePassed(run, stage, `${reason}; approved${because}`, stateRef, true);
}

/**
 * A stage's manual gate: the stage passed; the next stage (traffic hook first) starts only when a person
 * approves. Reject ends the analysis as failed, "aborted by a person"; at the deadline `onTimeout` decides.
 */
function* awaitApproval(
  run: Run,
  { stage, reason, stateRef }: Extract<Next, { kind: "await-approval" }>,
): Step<Next> {
  const gate = stage.approval!;
  const nextStage = run.plan.stages[stage.index + 1]!;
  const deadlineMs = run.now() + gate.timeoutMs;
  const weight = nextStage.trafficWeight === undefined ? "" : ` at ${nextStage.trafficWeight} % traffic`;
  const onTimeout = gate.onTimeout === "proceed" ? "it proceeds" : "the analysis is aborted";
  const awaiting =
    `stage '${stage.name}' passed; approve to start stage '${nextStage.name}'${weight}, or reject to abort, ` +
    `before ${iso(deadlineMs)} (then ${onTimeout})`;
  run.context.df.setCustomStatus({
    state: "awaiting-decision",
    stage: stageRef(stage),
    interval: run.input.cursor.interval,
    scores: run.scores,
    ...(run.scores.length ? { lastScore: run.scores.at(-1)! } : {}),
    decisionDeadline: iso(deadlineMs),
    awaiting: "approval",
    nextStage: stageRef(nextStage),
  } satisfies AnalysisProgress);
  yield* mark(run, "awaiting-decision", stage, awaiting);
  yield* notify(run, "awaiting-decision", awaiting);
  const outcome = yield* awaitDecision(run, deadlineMs);
  if (outcome.kind === "cancel") return finishWith("canceled", outcome.reason, { stage });
  if (outcome.kind === "timeout") {
    const waited = formatIsoDuration(gate.timeoutMs);
    if (gate.onTimeout === "abort") {
      return finishWith(
        "failed",
        `${reason}; no decision on starting stage '${nextStage.name}' within ${waited}: aborted (onTimeout: abort)`,
        { verdict: "fail", stage },
      );
    }
    run.warnings.push(
      `no decision on starting stage '${nextStage.name}' within ${waited}; proceeded (onTimeout: proceed)`,
    );
    yield* mark(
      run,
      "running",
      stage,
      `no decision within ${waited}; proceeding to stage '${nextStage.name}'`,
    );
    return run.moveOn({ stage: stage.index + 1, interval: 0 }, stateRef);
  }
  const event = outcome.event;
  const because = `${byWhom(event)}${event.reason ? `: ${event.reason}` : ""}`;
  if (event.action !== "approve") {
    return finishWith("failed", `aborted by a person${because}; stage '${nextStage.name}' was not started`, {
      verdict: "fail",
      stage,
    });
  }
  run.warnings.push(`stage '${nextStage.name}' approved${because}`);
  yield* mark(run, "running", stage, `stage '${nextStage.name}' approved${because}`);
  return run.moveOn({ stage: stage.index + 1, interval: 0 }, stateRef);
}

/** Records the verdict (row + result blob), logs it and sends `completed`. */
function* finish(run: Run, end: Finish): Step<CanaryAnalysisOutput> {
  const score = run.scores.at(-1);
  yield* run.call(ACTIVITIES.recordVerdict, {
    ...run.who,
    state: end.state,
    reason: end.reason,
    // A copy: a failed `completed` notification pushes to the warnings after this, and the recorded input of
    // the activity must not change on replay.
    warnings: boundedWarnings(run.warnings),
    ...(end.verdict ? { verdict: end.verdict } : {}),
    ...(score === undefined ? {} : { score }),
    ...(end.stage ? { stage: stageRef(end.stage) } : {}),
  });
  run.log("analysis.completed", { state: end.state, verdict: end.verdict, score, reason: end.reason });
  yield* notify(run, "completed", end.reason);
  const output: CanaryAnalysisOutput = { state: end.state, reason: end.reason };
  if (end.verdict) output.verdict = end.verdict;
  if (score !== undefined) output.score = score;
  return output;
}

export const canaryAnalysisOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Step<CanaryAnalysisOutput | undefined> {
  const run = new Run(context);
  let next = yield* beginStage(run);
  for (;;) {
    switch (next.kind) {
      case "await-window":
        next = yield* awaitWindow(run, next);
        break;
      case "fetch":
        next = yield* fetchMetrics(run, next);
        break;
      case "judge":
        next = yield* judge(run, next);
        break;
      case "resolve-marginal":
        next = yield* resolveMarginal(run, next);
        break;
      case "await-approval":
        next = yield* awaitApproval(run, next);
        break;
      case "continue-as-new":
        context.df.continueAsNew(next.input);
        return undefined;
      case "finish":
        return yield* finish(run, next);
    }
  }
};
