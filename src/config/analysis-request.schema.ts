// The native analysis request (docs/configuration.md "Analysis request (native)"): what a pipeline posts to start an analysis.
import { z } from "zod";
import { CanaryConfigSchema } from "./canary-config.schema";
import { ISO_DURATION, parseIsoDuration } from "./duration";
import { HookUrlSchema, LIMITS, boundedArray, boundedRecord, nameString, textString } from "./limits";
import { RequestSettingNameSchema } from "./setting-names";

export const IsoDurationSchema = z
  .string()
  .refine((t) => parseIsoDuration(t) !== undefined, {
    error: "must be an ISO 8601 duration such as PT5M, PT1H30M or P1D",
  })
  .meta({
    pattern: ISO_DURATION.source,
    description: "ISO 8601 duration (weeks, days, hours, minutes, seconds)",
  });

export const ScopeSideSchema = z.strictObject({
  scope: textString().min(1),
  location: textString().optional(),
  extendedScopeParams: boundedRecord(textString()).optional(),
  /** Compare against an earlier window of this side (Kayenta's controlOffsetInMinutes), ISO 8601. */
  offset: IsoDurationSchema.optional(),
});

export const ScopePairSchema = z.strictObject({
  baseline: ScopeSideSchema,
  canary: ScopeSideSchema,
  /** Query resolution, ISO 8601 (default PT1M). */
  step: IsoDurationSchema.optional(),
});

export const StageSchema = z.strictObject({
  name: nameString().optional(),
  /** Percentage of traffic the canary gets in this stage (told to the traffic hook). */
  trafficWeight: z.number().min(0).max(100).optional(),
  warmup: IsoDurationSchema.optional(),
  duration: IsoDurationSchema,
  interval: IsoDurationSchema.optional(),
  /** Absent: growing window from the stage start; present: sliding window of this length. */
  lookback: IsoDurationSchema.optional(),
  /**
   * A manual stage gate: after this stage's judgements pass, a person approves (the next stage starts) or
   * rejects (the analysis fails, "aborted by a person") through the decision route, within `timeout`
   * (default PT1H); at the timeout `onTimeout` decides (default `abort`).
   */
  approval: z
    .strictObject({
      required: z.boolean(),
      timeout: IsoDurationSchema.optional(),
      onTimeout: z.enum(["abort", "proceed"]).optional(),
    })
    .optional(),
});

export const ThresholdsSchema = z.strictObject({
  pass: z.number().min(0).max(100),
  marginal: z.number().min(0).max(100),
});

export const WebhookSchema = z.strictObject({
  url: HookUrlSchema,
  /** Name of the app setting holding this hook's HMAC secret (never the secret itself): COALMINE_HOOK_* only. */
  secretName: RequestSettingNameSchema.optional(),
  events: z.array(z.enum(["started", "judgement", "awaiting-decision", "completed"])).optional(),
});

/** A setting a request may name: only `COALMINE_HOOK_*` (docs/http-api.md "Slack and Microsoft Teams"), never a secret itself. */
export const HookSettingNameSchema = RequestSettingNameSchema;

export const CHAT_EVENTS = ["started", "awaiting-decision", "completed"] as const;

/** A Slack or Teams incoming webhook: its URL is a secret, so the request names the app setting holding it. */
export const ChatTargetSchema = z.strictObject({
  urlSetting: HookSettingNameSchema,
  /** Default: all three. */
  events: z.array(z.enum(CHAT_EVENTS)).min(1).optional(),
});

export const AnalysisRequestSchema = z.strictObject({
  application: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, "application may hold letters, digits, _ . - (1-100)"),
  canaryConfig: CanaryConfigSchema.optional(),
  canaryConfigName: nameString().optional(),
  metricsAccount: nameString().optional(),
  scopes: boundedRecord(ScopePairSchema),
  stages: z.array(StageSchema).min(1).max(LIMITS.stages),
  /**
   * An instant, or a negative ISO 8601 duration (`-PT10M`): that long before the request arrives, so a caller that
   * cannot compute times (Argo Rollouts' web provider) can ask for a retrospective analysis of the last minutes.
   */
  startTime: z
    .union(
      [
        z.iso.datetime({ offset: true }),
        z
          .string()
          .regex(/^-P/)
          .refine((t) => parseIsoDuration(t.slice(1)) !== undefined),
      ],
      { error: "must be an ISO 8601 instant with an offset, or a negative duration such as -PT10M" },
    )
    .optional(),
  endTime: z.iso.datetime({ offset: true }).optional(),
  thresholds: ThresholdsSchema.optional(),
  judge: nameString().optional(),
  /** Ingestion lag waited after each window's end before fetching (default PT30S). */
  ingestionLag: IsoDurationSchema.optional(),
  /**
   * Whether a sequential judge's early pass may end the last stage before its planned duration
   * (default false: the last stage, at the highest traffic, is judged to its end; earlier stages may
   * still pass early). docs/configuration.md.
   */
  passLastStageEarly: z.boolean().optional(),
  onMarginal: z
    .strictObject({
      action: z.enum(["fail", "pass", "await-decision"]),
      timeout: IsoDurationSchema.optional(),
    })
    .optional(),
  trafficHook: z
    .strictObject({ url: HookUrlSchema, secretName: RequestSettingNameSchema.optional() })
    .optional(),
  notify: z
    .strictObject({
      webhooks: boundedArray(WebhookSchema, 10).optional(),
      /** Slack incoming webhooks (Block Kit messages). */
      slack: z.array(ChatTargetSchema).max(10).optional(),
      /** Microsoft Teams Workflows webhooks (Adaptive Cards). */
      teams: z.array(ChatTargetSchema).max(10).optional(),
      github: z
        .strictObject({
          repository: nameString().regex(/^[^/\s]+\/[^/\s]+$/, "repository is owner/name"),
          sha: z.string().regex(/^[0-9a-f]{7,40}$/i),
          context: nameString().optional(),
        })
        .optional(),
    })
    .optional(),
  /** Free-form labels echoed in status and notifications (e.g. build id). */
  metadata: boundedRecord(textString()).optional(),
  /**
   * How stages are judged. `native` (default): Coalmine's stage semantics. `kayenta-standalone`: set when
   * the request was mapped from Kayenta's CanaryAnalysisExecutionRequest: N = floor(lifetime / interval)
   * judgements, fail early when a score is at or below marginal, the verdict from the last score.
   */
  mode: z.enum(["native", "kayenta-standalone"]).optional(),
});

export type AnalysisRequest = z.infer<typeof AnalysisRequestSchema>;
export type Stage = z.infer<typeof StageSchema>;
export type ChatTarget = z.infer<typeof ChatTargetSchema>;
export type ScopePair = z.infer<typeof ScopePairSchema>;
export type ScopeSide = z.infer<typeof ScopeSideSchema>;

/** The request's start as an instant: a relative `-PT10M` is resolved against `nowMs` (absent: now). */
export function absoluteStartTime(startTime: string | undefined, nowMs: number): string {
  if (startTime === undefined) return new Date(nowMs).toISOString();
  if (!startTime.startsWith("-P")) return startTime;
  return new Date(nowMs - (parseIsoDuration(startTime.slice(1)) ?? 0)).toISOString();
}
