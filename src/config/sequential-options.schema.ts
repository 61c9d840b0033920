// Coalmine-only per-metric options for the sequential judge (`analysisConfigurations.coalmine`).
import { z } from "zod";

export const SequentialOptionsSchema = z.strictObject({
  /** What the metric measures: a counter (events per step) or a continuous quantity (latency, CPU). */
  kind: z.enum(["count", "continuous"]).optional(),
  /** Practical-significance tolerance as a relative change (0.1 = 10 %). */
  tolerance: z.number().nonnegative().optional(),
});
export type SequentialOptions = z.infer<typeof SequentialOptionsSchema>;
