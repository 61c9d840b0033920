// Kayenta's execution requests: the standalone CanaryAnalysisExecutionRequest and /canary's CanaryExecutionRequest
// (docs/kayenta-rules.md §3.2, docs/configuration.md): lenient like Kayenta (docs/switching-from-kayenta-to-coalmine.md).
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

/**
 * Kayenta's CanaryClassifierThresholdsConfig. Either may be missing or null, as in Kayenta: no pass
 * threshold → a final score above marginal passes; no marginal → no early failure.
 */
export const KayentaThresholdsSchema = z.strictObject({
  pass: z.number().min(0).max(100).nullish(),
  marginal: z.number().min(0).max(100).nullish(),
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

// --- POST /canary/{canaryConfigId} and POST /canary: one judgement over fixed windows -------------

/** CanaryScope: one side of a named scope, with its own window (Orca sends ISO instants). */
export const KayentaCanaryScopeSchema = z.strictObject({
  scope: z.string().min(1),
  location: z.string().nullish(),
  start: isoInstant,
  end: isoInstant,
  /** Query resolution in seconds (default 60). */
  step: z.number().int().positive().nullish(),
  extendedScopeParams: z.record(z.string(), z.string().nullable()).nullish(),
});

export const KayentaCanaryScopePairSchema = z.strictObject({
  controlScope: KayentaCanaryScopeSchema,
  experimentScope: KayentaCanaryScopeSchema,
});

/** Kayenta's Metadata entries (shown by Deck, ignored by the judge). */
export const KayentaMetadataSchema = z.strictObject({
  name: z.string(),
  value: z.string().nullish(),
  hidden: z.boolean().nullish(),
});

/** CanaryExecutionRequest: the body of `POST /canary/{canaryConfigId}` (what Orca's RunKayentaCanaryTask sends). */
export const KayentaCanaryExecutionRequestSchema = z.strictObject({
  scopes: z.record(z.string(), KayentaCanaryScopePairSchema),
  /** Required, as in Kayenta ("Execution request must contain thresholds"). */
  thresholds: KayentaThresholdsSchema,
  metadata: z.array(KayentaMetadataSchema).nullish(),
  siteLocal: z.record(z.string(), z.unknown()).nullish(),
});

/** CanaryAdhocExecutionRequest: the body of `POST /canary`. */
export const KayentaCanaryAdhocBodySchema = z.strictObject({
  canaryConfig: CanaryConfigSchema,
  executionRequest: KayentaCanaryExecutionRequestSchema,
});

export type KayentaThresholds = z.infer<typeof KayentaThresholdsSchema>;
export type KayentaCanaryScope = z.infer<typeof KayentaCanaryScopeSchema>;
export type KayentaCanaryExecutionRequest = z.infer<typeof KayentaCanaryExecutionRequestSchema>;
export type KayentaCanaryAdhocBody = z.infer<typeof KayentaCanaryAdhocBodySchema>;
