// The canary config's validation on its own (schema problems plus its cross-field rules), apart from the requests'
// in validate.ts: `coalmine judge` loads only this, not the request and Kayenta schemas (docs/performance.md).
import type { z } from "zod";
import { CanaryConfigSchema, type CanaryConfig, type MetricConfig } from "./canary-config.schema";
import { relaxLikeKayenta, type LeniencyOptions } from "./kayenta-leniency";
import {
  closestMatch,
  jsonPath,
  problemsFromZod,
  type PathSegment,
  type ValidationProblem,
  type ValidationResult,
} from "./problems";
import { influxdbQueryProblems } from "./influxdb-query-rules";
import { scanTemplate } from "./template-variables";

export type Path = readonly PathSegment[];

/** A map's own entry (never an Object.prototype member such as `constructor` or `__proto__`). */
function ownValue<V>(map: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}
export const at = (path: Path, message: string): ValidationProblem => ({ path: jsonPath(path), message });

const PROMQL_PREFIX = "PromQL:";

// --- schema parsing that still lets the cross-field rules run ---------------------------------

function deleteAt(root: unknown, path: readonly PropertyKey[], key?: string): boolean {
  let node: unknown = root;
  const full = key === undefined ? path : [...path, key];
  for (const seg of full.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  const last = full[full.length - 1];
  if (typeof node !== "object" || node === null || Array.isArray(node) || typeof last !== "string")
    return false;
  delete (node as Record<string, unknown>)[last];
  return true;
}

/**
 * Parses `input`; on failure, reports the schema problems and, when deleting the offending optional
 * values makes the document parse, also returns that pruned value so cross-field rules still run.
 * With `lenient`, the document is first read as Kayenta reads it (kayenta-leniency.ts): coerced
 * scalars, ignored keys dropped with a warning, near-miss keys left to fail.
 */
export function parseForValidation<S extends z.ZodType>(
  schema: S,
  original: unknown,
  lenient?: LeniencyOptions,
): { value?: z.infer<S>; problems: ValidationProblem[]; warnings: ValidationProblem[] } {
  const relaxed = lenient ? relaxLikeKayenta(schema, original, [], lenient) : undefined;
  const input = relaxed ? relaxed.value : original;
  const warnings = relaxed?.warnings ?? [];
  // The relaxed document already passed the strict parse: its output is the answer.
  if (relaxed?.parsed !== undefined)
    return { value: relaxed.parsed.data as z.infer<S>, problems: [], warnings };
  return { ...parseStrictly(schema, input), warnings };
}

function parseStrictly<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: Path = [],
): { value?: z.infer<S>; problems: ValidationProblem[] } {
  const first = schema.safeParse(input);
  if (first.success) return { value: first.data, problems: [] };
  const problems = problemsFromZod(first.error, schema, input, prefix);
  let copy: unknown = JSON.parse(JSON.stringify(input ?? null));
  let issues = first.error.issues;
  const deleted = new Set<string>();
  for (let round = 0; round < 5; round++) {
    for (const issue of issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const id = JSON.stringify([...issue.path, key ?? null]);
        if (deleted.has(id) || !deleteAt(copy, issue.path, key)) return { problems };
        deleted.add(id);
      }
    }
    const again = schema.safeParse(copy);
    if (again.success) return { value: again.data, problems };
    issues = again.error.issues;
    copy = JSON.parse(JSON.stringify(copy)) as unknown;
  }
  return { problems };
}

/** Cross-field problems at or under a path that already has a schema problem are noise: drop them. */
export function merge(schemaProblems: ValidationProblem[], cross: ValidationProblem[]): ValidationProblem[] {
  const covered = (p: string) =>
    schemaProblems.some((s) => p === s.path || p.startsWith(`${s.path}.`) || p.startsWith(`${s.path}[`));
  return [...schemaProblems, ...cross.filter((c) => !covered(c.path))];
}

export const result = <T>(
  value: T | undefined,
  problems: ValidationProblem[],
  warnings: ValidationProblem[] = [],
): ValidationResult<T> =>
  problems.length === 0 && value !== undefined
    ? { ok: true, value, warnings }
    : { ok: false, problems, warnings };

// --- the canary config ------------------------------------------------------------------------

function templateOf(
  config: CanaryConfig,
  metric: MetricConfig,
): { text: string; path: PathSegment[] } | undefined {
  const q = metric.query;
  // InfluxDB's customInlineTemplate is a whole statement with fixed placeholders, not a filter template.
  if (q.type === "influxdb") return undefined;
  if (!("customInlineTemplate" in q || "customFilterTemplate" in q)) return undefined;
  if (q.customInlineTemplate)
    return { text: q.customInlineTemplate, path: ["query", "customInlineTemplate"] };
  const name = q.customFilterTemplate;
  const text = name === undefined ? undefined : ownValue(config.templates, name);
  return name !== undefined && text !== undefined ? { text, path: ["templates", name] } : undefined;
}

/** The texts with `${var}` a metric's query expands, each with its path relative to the config. */
export function templatesUsed(config: CanaryConfig, metric: MetricConfig, index: number) {
  const out: { text: string; path: PathSegment[] }[] = [];
  const chosen = templateOf(config, metric);
  if (chosen) {
    const inline = chosen.path[0] === "query";
    out.push({ text: chosen.text, path: inline ? ["metrics", index, ...chosen.path] : chosen.path });
  }
  if (metric.query.type === "log-analytics")
    out.push({ text: metric.query.query, path: ["metrics", index, "query", "query"] });
  return out;
}

/** Rules on the config alone. `base` is where the config sits in the document. */
export function canaryConfigProblems(config: CanaryConfig, base: Path = []): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const p = (...rest: PathSegment[]) => [...base, ...rest];

  const firstByName = new Map<string, number>();
  config.metrics.forEach((m, i) => {
    const prior = firstByName.get(m.name);
    if (prior === undefined) firstByName.set(m.name, i);
    else
      problems.push(
        at(p("metrics", i, "name"), `duplicate metric name '${m.name}' (also metrics[${prior}])`),
      );
  });

  const templateNames = Object.keys(config.templates ?? {});
  config.metrics.forEach((m, i) => {
    const q = m.query;
    if (
      "customFilterTemplate" in q &&
      q.customFilterTemplate !== undefined &&
      q.customFilterTemplate !== ""
    ) {
      const name = q.customFilterTemplate;
      if (ownValue(config.templates, name) === undefined) {
        const guess = closestMatch(name, templateNames);
        const hint =
          guess !== undefined
            ? `: did you mean '${guess}'?`
            : templateNames.length === 0
              ? " (the config defines no templates)"
              : ` (templates: ${templateNames.map((t) => `'${t}'`).join(", ")})`;
        problems.push(
          at(p("metrics", i, "query", "customFilterTemplate"), `template '${name}' is not defined${hint}`),
        );
      }
    }
    if (q.type === "prometheus" || q.type === "azure-monitor-prometheus") {
      const chosen = templateOf(config, m);
      const promql = chosen?.text.trimStart().startsWith(PROMQL_PREFIX) ?? false;
      if (!promql && !q.metricName)
        problems.push(
          at(
            p("metrics", i, "query", "metricName"),
            "is required unless the template is a whole 'PromQL:' expression",
          ),
        );
    }
  });

  config.metrics.forEach((m, i) => {
    if (m.query.type === "influxdb")
      for (const problem of influxdbQueryProblems(m.query))
        problems.push(at(p("metrics", i, "query", problem.field), problem.message));
  });

  const scanned = new Set<string>();
  config.metrics.forEach((m, i) => {
    for (const t of templatesUsed(config, m, i)) {
      const key = jsonPath(t.path);
      if (scanned.has(key)) continue;
      scanned.add(key);
      const scan = scanTemplate(t.text);
      if (!scan.ok) problems.push(at(p(...t.path), scan.message));
    }
  });

  const weights = config.classifier?.groupWeights;
  if (weights && Object.keys(weights).length > 0) {
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 100) > 1e-9)
      problems.push(
        at(p("classifier", "groupWeights"), `group weights sum to ${round(sum)}; they must sum to 100`),
      );
    const used = new Set(config.metrics.flatMap((m) => m.groups ?? []));
    const weighted = Object.keys(weights);
    for (const g of weighted) {
      if (used.has(g)) continue;
      const guess = closestMatch(g, [...used]);
      problems.push(
        at(
          p("classifier", "groupWeights", g),
          `no metric is in group '${g}'${guess !== undefined ? `: did you mean '${guess}'?` : ""}`,
        ),
      );
    }
    config.metrics.forEach((m, i) =>
      (m.groups ?? []).forEach((g, j) => {
        if (ownValue(weights, g) !== undefined) return;
        const guess = closestMatch(g, weighted);
        problems.push(
          at(
            p("metrics", i, "groups", j),
            `group '${g}' has no weight in classifier.groupWeights, so it would count 0${guess !== undefined ? `: did you mean '${guess}'?` : ""}`,
          ),
        );
      }),
    );
  }

  const st = config.classifier?.scoreThresholds;
  if (st && st.marginal > st.pass)
    problems.push(
      at(
        p("classifier", "scoreThresholds", "marginal"),
        `marginal (${st.marginal}) must not exceed pass (${st.pass})`,
      ),
    );
  return problems;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

const LENIENT: LeniencyOptions = {};

/** A Kayenta (or Coalmine) canary config, read as Kayenta reads it (warnings for ignored keys). */
export function validateCanaryConfig(json: unknown): ValidationResult<CanaryConfig> {
  const parsed = parseForValidation(CanaryConfigSchema, json, LENIENT);
  const cross = parsed.value ? canaryConfigProblems(parsed.value) : [];
  return result(parsed.value, merge(parsed.problems, cross), parsed.warnings);
}
