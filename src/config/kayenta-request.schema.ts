// Kayenta's standalone CanaryAnalysisExecutionRequest (docs/kayenta-rules.md §3.2): lenient like Kayenta about nulls, strict about unknown keys.
import { z } from "zod";
import { CanaryConfigSchema } from "./canary-config.schema";

const minutes = z.number().int().nonnegative();
const isoInstant = z.iso.datetime({ offset: true });

/** One entry of `scopes[]` (CanaryAnalysisExecutionRequestScope.java). */
export const KayentaScopeSchema = z.strictObject({
  /** Must match the metrics' `scopeName` (default "default"). */
  scopeName: z.string().min(1).nullish(),
  controlScope: z.string().min(1),
  controlLocation: z.string().nullish(),
  /** Minutes subtracted from the control window (compare the canary against the baseline's past). */
  controlOffsetInMinutes: minutes.nullish(),
  experimentScope: z.string().min(1),
  experimentLocation: z.string().nullish(),
  /** Only `scopes[0]`'s start, end and step are used (as in Kayenta). Default start: now. */
  startTimeIso: isoInstant.nullish(),
  /** Set = retrospective analysis; takes precedence over lifetimeDurationMins. */
  endTimeIso: isoInstant.nullish(),
  /** Query resolution in seconds (default 60). */
  step: z.number().int().positive().nullish(),
  extendedScopeParams: z.record(z.string(), z.string()).nullish(),
});

export const KayentaThresholdsSchema = z.strictObject({
  pass: z.number().min(0).max(100),
  marginal: z.number().min(0).max(100),
});

/** The body of `POST /standalone_canary_analysis/{canaryConfigId}` (and `executionRequest` of the other form). */
export const KayentaExecutionRequestSchema = z.strictObject({
  scopes: z.array(KayentaScopeSchema).min(1),
  thresholds: KayentaThresholdsSchema.nullish(),
  /** Required unless scopes[0].endTimeIso is set. */
  lifetimeDurationMins: z.number().int().positive().nullish(),
  /** Warm-up before the first interval (default 0). */
  beginAfterMins: minutes.nullish(),
  /** 0 (default): growing window from the start; > 0: sliding window of this many minutes. */
  lookbackMins: minutes.nullish(),
  /** Default and 0: the whole lifetime; clamped to the lifetime when longer. */
  analysisIntervalMins: minutes.nullish(),
  /** Opaque, passed through by Kayenta; Coalmine accepts and ignores it. */
  siteLocal: z.record(z.string(), z.unknown()).nullish(),
});

/** The body of `POST /standalone_canary_analysis`: the config and the execution request together. */
export const KayentaStandaloneBodySchema = z.strictObject({
  canaryConfig: CanaryConfigSchema,
  executionRequest: KayentaExecutionRequestSchema,
});

export type KayentaScope = z.infer<typeof KayentaScopeSchema>;
export type KayentaExecutionRequest = z.infer<typeof KayentaExecutionRequestSchema>;
export type KayentaStandaloneBody = z.infer<typeof KayentaStandaloneBodySchema>;
