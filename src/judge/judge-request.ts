// Kayenta's MetricSetPair list JSON and the `POST /api/judge` body, plus the pure one-shot judgement behind both.
import { z } from "zod";
import { fromJsonNumber } from "./kayenta-json";
import { getJudge, isJudgeName, JUDGE_NAMES, selectJudgeName } from "./registry";
import type { CanaryJudgeResult, MetricSetPair } from "./types";
import { CanaryConfigSchema } from "../config/canary-config.schema";
import { jsonPath, parseWithProblems, type ValidationProblem } from "../config/problems";
import { canaryConfigProblems } from "../config/validate-canary-config";

/** A value as Jackson writes a double: a number, or "NaN" / "Infinity" / "-Infinity"; parsed to a number. */
export const JsonNumberSchema = z
  .union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])], {
    error: 'must be a number or one of "NaN", "Infinity", "-Infinity"',
  })
  .transform(fromJsonNumber);

const NOT_A_JSON_NUMBER = 'must be a number or one of "NaN", "Infinity", "-Infinity"';
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/**
 * An array of `JsonNumberSchema` values checked in one loop instead of one zod parse per element (a
 * 1,000-point series is 1,000 parses otherwise; docs/performance.md). Finite numbers are kept as they
 * are and the array is copied only when Jackson's non-finite strings must become numbers; every bad
 * element is a problem at its own index, with JsonNumberSchema's message.
 */
export const JsonNumberArraySchema = z.unknown().transform((input, ctx): number[] => {
  if (!Array.isArray(input)) {
    ctx.addIssue({ code: "invalid_type", expected: "array", input });
    return z.NEVER;
  }
  const values = input as unknown[];
  let out: number[] | undefined;
  let bad = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) {
      if (out !== undefined) out[i] = v;
      continue;
    }
    const special = typeof v === "string" && Object.hasOwn(NON_FINITE, v) ? NON_FINITE[v] : undefined;
    if (special === undefined) {
      ctx.addIssue({ code: "custom", path: [i], message: NOT_A_JSON_NUMBER, input: v });
      bad = true;
      continue;
    }
    out ??= values.slice() as number[];
    out[i] = special;
  }
  if (bad) return z.NEVER;
  return out ?? (values as number[]);
});

const ScopeSchema = z.object({
  startTimeIso: z.string().optional(),
  startTimeMillis: z.number().optional(),
  stepMillis: z.number().optional(),
});

/** Kayenta's MetricSetPair (`/metricSetPairList` element); unknown keys are dropped, as Jackson does. */
export const MetricSetPairSchema = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  values: z.object({
    control: JsonNumberArraySchema,
    experiment: JsonNumberArraySchema,
  }),
  scopes: z.object({ control: ScopeSchema.optional(), experiment: ScopeSchema.optional() }).optional(),
  attributes: z
    .object({
      control: z.record(z.string(), z.string()).optional(),
      experiment: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

export const MetricSetPairListSchema = z.array(MetricSetPairSchema);

export const JudgeThresholdsSchema = z.strictObject({
  pass: z.number().min(0).max(100),
  marginal: z.number().min(0).max(100),
});

/** `POST /api/judge`: a canary config, thresholds and Kayenta metric set pairs; optionally a judge name. */
export const JudgeRequestSchema = z.strictObject({
  canaryConfig: CanaryConfigSchema,
  thresholds: JudgeThresholdsSchema,
  metricSetPairs: MetricSetPairListSchema,
  judge: z.string().min(1).optional(),
});

export type JudgeRequest = z.infer<typeof JudgeRequestSchema>;

/** Removes the optional keys zod may leave `undefined`, so the pairs fit `MetricSetPair` exactly. */
function toPair(p: z.infer<typeof MetricSetPairSchema>): MetricSetPair {
  return {
    name: p.name,
    ...(p.id !== undefined ? { id: p.id } : {}),
    tags: p.tags,
    values: { control: p.values.control, experiment: p.values.experiment },
  };
}

/**
 * Problems that are not about the shape: every pair must name a metric of the config (Kayenta
 * throws mid-judgement instead), marginal must not exceed pass, the judge must exist.
 */
export function judgeInputProblems(
  metricNames: readonly string[],
  pairs: readonly { name: string }[],
  pairsPath: readonly (string | number)[],
): ValidationProblem[] {
  const known = new Set(metricNames);
  const problems: ValidationProblem[] = [];
  pairs.forEach((p, i) => {
    if (!known.has(p.name)) {
      problems.push({
        path: jsonPath([...pairsPath, i, "name"]),
        message: `no metric named '${p.name}' in the canary config (metrics: ${metricNames.map((n) => `'${n}'`).join(", ")})`,
      });
    }
  });
  return problems;
}

export type JudgeRequestOutcome =
  { ok: true; result: CanaryJudgeResult } | { ok: false; problems: ValidationProblem[] };

/** Validates a `POST /api/judge` body and judges it; bad input comes back as problems with JSON paths. */
export function judgeRequest(body: unknown): JudgeRequestOutcome {
  const parsed = parseWithProblems(JudgeRequestSchema, body);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const req = parsed.value;
  const problems = [
    ...canaryConfigProblems(req.canaryConfig, ["canaryConfig"]),
    ...judgeInputProblems(
      req.canaryConfig.metrics.map((m) => m.name),
      req.metricSetPairs,
      ["metricSetPairs"],
    ),
  ];
  if (req.thresholds.marginal > req.thresholds.pass) {
    problems.push({
      path: jsonPath(["thresholds", "marginal"]),
      message: `marginal (${req.thresholds.marginal}) must not exceed pass (${req.thresholds.pass})`,
    });
  }
  const judgeName = selectJudgeName(req.canaryConfig, req.judge);
  if (!isJudgeName(judgeName)) {
    problems.push({
      path: jsonPath(req.judge !== undefined ? ["judge"] : ["canaryConfig", "judge", "name"]),
      message: `unknown judge '${judgeName}' (known: ${JUDGE_NAMES.join(", ")})`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const output = getJudge(judgeName).judge({
    config: req.canaryConfig,
    thresholds: req.thresholds,
    pairs: req.metricSetPairs.map(toPair),
  });
  return { ok: true, result: output.result };
}
