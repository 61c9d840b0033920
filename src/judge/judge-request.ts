// Kayenta's MetricSetPair list JSON and the `POST /api/judge` body, plus the pure one-shot judgement behind both.
import { z } from "zod";
import { fromJsonNumber } from "./kayenta-json";
import { getJudge, isJudgeName, JUDGE_NAMES, selectJudgeName } from "./registry";
import type { CanaryJudgeResult, MetricSetPair } from "./types";
import { CanaryConfigSchema } from "../config/canary-config.schema";
import {
  jsonPath,
  parseWithProblems,
  type ValidationProblem,
  type ValidationResult,
} from "../config/problems";
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

type ParsedPair = z.infer<typeof MetricSetPairSchema>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A series that `JsonNumberArraySchema` returns as it is: an array of finite numbers only. */
function finiteNumbers(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return false;
  }
  return true;
}

/**
 * One pair in its common form (a name, an optional id, string tags, two series of finite numbers; no `scopes` or
 * `attributes`), built as `MetricSetPairSchema` would build it; undefined for anything else.
 */
function commonPair(input: unknown): ParsedPair | undefined {
  if (!isPlainObject(input)) return undefined;
  const { name, id, tags, values } = input;
  if (typeof name !== "string" || name.length === 0) return undefined;
  if (id !== undefined && typeof id !== "string") return undefined;
  if (input.scopes !== undefined || input.attributes !== undefined) return undefined;
  if (!isPlainObject(values) || !finiteNumbers(values.control) || !finiteNumbers(values.experiment))
    return undefined;
  const tagCopy: Record<string, string> = {};
  if (tags !== undefined) {
    if (!isPlainObject(tags)) return undefined;
    for (const key of Object.keys(tags)) {
      const value = tags[key];
      if (typeof value !== "string" || key === "__proto__") return undefined;
      tagCopy[key] = value;
    }
  }
  return {
    name,
    ...(id !== undefined ? { id } : {}),
    tags: tagCopy,
    values: { control: values.control, experiment: values.experiment },
  };
}

/**
 * `parseWithProblems(MetricSetPairListSchema, input)`, quicker: a list whose every pair is in its common form is
 * checked by hand, in one pass over each series (a first parse through zod costs more than the judgement of a
 * small pair; docs/performance.md); anything else, every bad input above all, goes through the schema, which
 * names each problem. Both give the same value (test/unit/judge-request.test.ts compares them).
 */
export function parseMetricSetPairs(input: unknown): ValidationResult<ParsedPair[]> {
  if (Array.isArray(input)) {
    const pairs: ParsedPair[] = [];
    for (const item of input as unknown[]) {
      const pair = commonPair(item);
      if (pair === undefined) break;
      pairs.push(pair);
    }
    if (pairs.length === input.length) return { ok: true, value: pairs };
  }
  return parseWithProblems(MetricSetPairListSchema, input);
}

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
