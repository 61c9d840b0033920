// Kayenta's CanaryConfig, accepted unchanged; strict about unknown keys (Kayenta silently ignores typos).
import { z } from "zod";
import { QuerySchema } from "./query.schema";
import { SequentialOptionsSchema } from "./sequential-options.schema";
import { LIMITS, boundedArray, boundedRecord, nameString, queryString, textString } from "./limits";

export const DirectionSchema = z.enum(["increase", "decrease", "either"]);
export const EffectSizeSchema = z.strictObject({
  measure: z.enum(["meanRatio", "cles"]).optional(),
  allowedIncrease: z.number().optional(),
  allowedDecrease: z.number().optional(),
  criticalIncrease: z.number().optional(),
  criticalDecrease: z.number().optional(),
});
export const OutliersSchema = z.strictObject({
  strategy: z.enum(["remove", "keep", "none"]).optional(),
  outlierFactor: z.number().positive().optional(),
});

/** `analysisConfigurations.canary`: the options NetflixACAJudge reads (defaults in `resolveCanaryOptions`). */
export const CanaryAnalysisOptionsSchema = z.strictObject({
  direction: DirectionSchema.optional(),
  nanStrategy: z.enum(["remove", "replace", "none"]).optional(),
  outliers: OutliersSchema.optional(),
  critical: z.boolean().optional(),
  mustHaveData: z.boolean().optional(),
  muted: z.boolean().optional(),
  effectSize: EffectSizeSchema.optional(),
});

export const MetricConfigSchema = z.strictObject({
  name: nameString(),
  query: QuerySchema,
  groups: boundedArray(nameString()).optional(),
  scopeName: nameString().optional(),
  analysisConfigurations: z
    .strictObject({
      canary: CanaryAnalysisOptionsSchema.optional(),
      /** Coalmine-only options (sequential judge); Kayenta ignores this key. */
      coalmine: SequentialOptionsSchema.optional(),
    })
    .optional(),
});

export const CanaryConfigSchema = z.strictObject({
  id: textString().optional(),
  name: z
    .string()
    .max(LIMITS.nameLength)
    .regex(/^[A-Za-z0-9_-]*$/, "name may hold only letters, digits, _ and -"),
  description: queryString().optional(),
  /** Free-form; Kayenta's own samples write it as a number (`1.0`), which Jackson reads as a string. */
  configVersion: z.union([textString(), z.number()]).optional(),
  applications: boundedArray(nameString()).optional(),
  createdTimestamp: z.number().optional(),
  updatedTimestamp: z.number().optional(),
  createdTimestampIso: textString().optional(),
  updatedTimestampIso: textString().optional(),
  judge: z
    .strictObject({
      name: nameString(),
      judgeConfigurations: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  metrics: z.array(MetricConfigSchema).min(1).max(LIMITS.metrics),
  templates: boundedRecord(queryString()).optional(),
  classifier: z
    .strictObject({
      groupWeights: boundedRecord(z.number().nonnegative()).optional(),
      scoreThresholds: z.strictObject({ pass: z.number(), marginal: z.number() }).optional(),
    })
    .optional(),
});

export type CanaryConfig = z.infer<typeof CanaryConfigSchema>;
export type MetricConfig = z.infer<typeof MetricConfigSchema>;
export type CanaryAnalysisOptions = z.infer<typeof CanaryAnalysisOptionsSchema>;
export type Direction = z.infer<typeof DirectionSchema>;

/** The canary options with Kayenta's code defaults applied (docs/kayenta-rules.md §1.2). */
export interface ResolvedCanaryOptions {
  direction: Direction;
  nanStrategy: "remove" | "replace";
  outliers: { strategy: "remove" | "keep"; outlierFactor: number };
  critical: boolean;
  mustHaveData: boolean;
  muted: boolean;
  effectSize: {
    measure: "meanRatio" | "cles";
    allowedIncrease: number;
    allowedDecrease: number;
    criticalIncrease: number;
    criticalDecrease: number;
  };
}

export function resolveCanaryOptions(
  metric: Pick<MetricConfig, "analysisConfigurations">,
): ResolvedCanaryOptions {
  const o = metric.analysisConfigurations?.canary ?? {};
  const measure = o.effectSize?.measure ?? "meanRatio";
  const neutral = measure === "cles" ? 0.5 : 1.0;
  return {
    direction: o.direction ?? "either",
    nanStrategy: o.nanStrategy === "replace" ? "replace" : "remove",
    outliers: {
      strategy: o.outliers?.strategy === "remove" ? "remove" : "keep",
      outlierFactor: o.outliers?.outlierFactor ?? 3.0,
    },
    critical: o.critical ?? false,
    mustHaveData: o.mustHaveData ?? false,
    muted: o.muted ?? false,
    effectSize: {
      measure,
      allowedIncrease: o.effectSize?.allowedIncrease ?? neutral,
      allowedDecrease: o.effectSize?.allowedDecrease ?? neutral,
      criticalIncrease: o.effectSize?.criticalIncrease ?? neutral,
      criticalDecrease: o.effectSize?.criticalDecrease ?? neutral,
    },
  };
}
