// Coalmine-only per-metric options for the sequential judge (`analysisConfigurations.coalmine`).
import { z } from "zod";

export const SequentialOptionsSchema = z.strictObject({
  /** What the metric measures: a counter (events per step) or a continuous quantity (latency, CPU). */
  kind: z.enum(["count", "continuous"]).optional(),
  /** Practical-significance tolerance as a relative change (0.1 = 10 %); defaults: 0.05 continuous, 0.2 count. */
  tolerance: z.number().nonnegative().optional(),
  /** Relative share of the judge's error rate α given to this metric (Bonferroni weight, default 1). */
  alphaWeight: z.number().positive().optional(),
});
export type SequentialOptions = z.infer<typeof SequentialOptionsSchema>;

/** Judge-level options read from `canaryConfig.judge.judgeConfigurations` by `coalmine-sequential-v1`. */
export const SequentialJudgeOptionsSchema = z.object({
  /** Total false-fail rate over all metrics and all judgements of an analysis (default 0.01). */
  alpha: z.number().gt(0).lt(1).optional(),
});
export type SequentialJudgeOptions = z.infer<typeof SequentialJudgeOptionsSchema>;
