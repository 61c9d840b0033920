// The defaults of the native analysis request, in one place (documented in docs/configuration.md).
import type { AnalysisRequest, ScopePair, Stage } from "./analysis-request.schema";
import type { CanaryConfig } from "./canary-config.schema";

/** What a request leaves out gets these (docs/configuration.md "Analysis request (native)"). */
export const REQUEST_DEFAULTS = {
  /** Kayenta's usual thresholds; Kayenta itself requires them, Coalmine defaults them. */
  thresholds: { pass: 95, marginal: 75 },
  /**
   * Native requests whose config names no judge: the anytime-valid sequential judge (it wins
   * `npm run bench:accuracy`: fewer false fails than Kayenta's judge with peeking, regressions caught in
   * half the time). A config that names a judge (as Kayenta's always do) keeps it: migrating users get
   * Kayenta's verdicts until they opt in with the request's `judge` or by dropping `judge` from the config.
   */
  judge: "coalmine-sequential-v1",
  /** Kayenta standalone requests whose config names no judge: Kayenta's own. */
  kayentaJudge: "NetflixACAJudge-v1.0",
  /** Query resolution of every scope (Kayenta's step default of 60 s). */
  step: "PT1M",
  /** Waited after each window's end before fetching, so the last scrape is in. */
  ingestionLag: "PT30S",
  onMarginal: "fail",
  /** An early pass never hides the rest of the last stage's planned time unless the request says so. */
  passLastStageEarly: false,
  /** How long an `await-decision` waits before failing. */
  decisionTimeout: "PT30M",
  /** How long a stage's manual gate (`approval`) waits, and what happens then. */
  approvalTimeout: "PT1H",
  approvalOnTimeout: "abort",
  mode: "native",
} as const;

type WithDefaults<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

export type ResolvedStage = WithDefaults<Stage, "interval">;
export type ResolvedScopePair = WithDefaults<ScopePair, "step">;
export type ResolvedAnalysisRequest = Omit<
  WithDefaults<AnalysisRequest, "thresholds" | "judge" | "ingestionLag" | "onMarginal" | "mode">,
  "stages" | "scopes"
> & { stages: ResolvedStage[]; scopes: Record<string, ResolvedScopePair> };

/**
 * The request with every default filled in: thresholds 95/75; judge = request's, else the
 * config's `judge.name`, else coalmine-sequential-v1 (NetflixACAJudge-v1.0 for Kayenta standalone requests); each stage's interval = its duration (one judgement per
 * stage); each scope's step PT1M; ingestionLag PT30S; onMarginal `fail` (an `await-decision` without
 * timeout gets PT30M); mode `native`. `storedConfig` stands in for a request naming a stored config.
 */
export function resolveRequestDefaults(
  req: AnalysisRequest,
  opts: { storedConfig?: CanaryConfig | undefined } = {},
): ResolvedAnalysisRequest {
  const config = req.canaryConfig ?? opts.storedConfig;
  const onMarginal: ResolvedAnalysisRequest["onMarginal"] =
    req.onMarginal?.action === "await-decision"
      ? { action: "await-decision", timeout: req.onMarginal.timeout ?? REQUEST_DEFAULTS.decisionTimeout }
      : { action: req.onMarginal?.action ?? REQUEST_DEFAULTS.onMarginal };
  const scopes: Record<string, ResolvedScopePair> = {};
  for (const [name, pair] of Object.entries(req.scopes))
    scopes[name] = { ...pair, step: pair.step ?? REQUEST_DEFAULTS.step };
  return {
    ...req,
    thresholds: req.thresholds ?? { ...REQUEST_DEFAULTS.thresholds },
    judge:
      req.judge ??
      config?.judge?.name ??
      (req.mode === "kayenta-standalone" ? REQUEST_DEFAULTS.kayentaJudge : REQUEST_DEFAULTS.judge),
    ingestionLag: req.ingestionLag ?? REQUEST_DEFAULTS.ingestionLag,
    onMarginal,
    mode: req.mode ?? REQUEST_DEFAULTS.mode,
    stages: req.stages.map((s) => ({ ...s, interval: s.interval ?? s.duration })),
    scopes,
  };
}
