// Fetch many metrics for both scopes with a concurrency bound, and pair baseline with canary into MetricSetPairs.
import type { ScopePair } from "../config/analysis-request.schema";
import type { CanaryConfig, MetricConfig } from "../config/canary-config.schema";
import { parseIsoDuration } from "../config/duration";
import { mixMetricSets } from "../judge/metric-set-mixer";
import type { MetricSetPair } from "../judge/types";
import type { MetricFetchRequest, MetricFetchResult, MetricSource } from "./ports/metric-source";

/** The windows of one metric's two fetches (ISO instants, step in seconds). */
export interface PairWindows {
  baseline: { start: string; end?: string };
  canary: { start: string; end?: string };
  stepSeconds: number;
}

/** Pairs one metric's two fetch results into MetricSetPairs. */
export type PairMetricSets = (
  metricName: string,
  baseline: MetricFetchResult,
  canary: MetricFetchResult,
  windows: PairWindows,
) => MetricSetPair[];

/**
 * The default pairing: the judge's Kayenta mixer (tag-set matching, empty-tag templates, NaN padding
 * to (end − start) / step per side), plus each side's scope and final query.
 */
export const mixedPairs: PairMetricSets = (metricName, baseline, canary, windows) => {
  const stepMillis = windows.stepSeconds * 1000;
  const expected = (w: { start: string; end?: string }) =>
    w.end !== undefined ? Math.floor((Date.parse(w.end) - Date.parse(w.start)) / stepMillis) : undefined;
  const eb = expected(windows.baseline);
  const ec = expected(windows.canary);
  const expectedPoints = {
    ...(eb !== undefined ? { baseline: eb } : {}),
    ...(ec !== undefined ? { canary: ec } : {}),
  };
  const scope = (w: { start: string }) => ({
    startTimeIso: w.start,
    startTimeMillis: Date.parse(w.start),
    stepMillis,
  });
  return mixMetricSets(metricName, baseline.sets, canary.sets, { expectedPoints }).map((p) => ({
    ...p,
    scopes: { control: scope(windows.baseline), experiment: scope(windows.canary) },
    attributes: { control: { query: baseline.query }, experiment: { query: canary.query } },
  }));
};

/** One metric to fetch: its source and the request for each side. */
export interface MetricFetchPlan {
  metric: MetricConfig;
  scopeName: string;
  account: string;
  source: MetricSource;
  baseline: MetricFetchRequest;
  canary: MetricFetchRequest;
}

/** A request's metrics cannot be planned (unknown scope name, unknown --metric). */
export class FetchPlanError extends Error {
  override readonly name = "FetchPlanError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const DEFAULT_STEP_MS = 60_000;

/**
 * Plan the fetches of `config`'s metrics (or only those named) over `window`: each metric's scope
 * pair comes from `scopes[metric.scopeName ?? "default"]`; a side's `offset` shifts its window back.
 */
export function planMetricFetches(input: {
  config: CanaryConfig;
  scopes: Record<string, ScopePair>;
  window: { start: string; end: string };
  sourceFor: (metric: MetricConfig) => { source: MetricSource; account: string };
  only?: readonly string[];
}): MetricFetchPlan[] {
  const { config, scopes, window } = input;
  const names = config.metrics.map((m) => m.name);
  for (const wanted of input.only ?? [])
    if (!names.includes(wanted))
      throw new FetchPlanError(
        `no metric named '${wanted}' in the canary config (metrics: ${names.map((n) => `'${n}'`).join(", ")})`,
      );
  const metrics =
    input.only && input.only.length > 0
      ? config.metrics.filter((m) => input.only?.includes(m.name))
      : config.metrics;
  return metrics.map((metric) => {
    const scopeName = metric.scopeName ?? "default";
    const pair = Object.hasOwn(scopes, scopeName) ? scopes[scopeName] : undefined;
    if (!pair)
      throw new FetchPlanError(
        `metric '${metric.name}' uses scope '${scopeName}', which the request's scopes lack (scopes: ${Object.keys(
          scopes,
        )
          .map((s) => `'${s}'`)
          .join(", ")})`,
      );
    const stepSeconds = Math.max(
      1,
      Math.round((pair.step ? (parseIsoDuration(pair.step) ?? DEFAULT_STEP_MS) : DEFAULT_STEP_MS) / 1000),
    );
    const side = (s: ScopePair["baseline"]): MetricFetchRequest => {
      const offset = s.offset !== undefined ? (parseIsoDuration(s.offset) ?? 0) : 0;
      const shift = (iso: string) => new Date(Date.parse(iso) - offset).toISOString();
      return {
        config,
        metric,
        scope: {
          scope: s.scope,
          ...(s.location !== undefined ? { location: s.location } : {}),
          ...(s.extendedScopeParams !== undefined ? { extendedScopeParams: s.extendedScopeParams } : {}),
        },
        window: { start: shift(window.start), end: shift(window.end), stepSeconds },
      };
    };
    const { source, account } = input.sourceFor(metric);
    return { metric, scopeName, account, source, baseline: side(pair.baseline), canary: side(pair.canary) };
  });
}

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export interface MetricFetchFailure {
  metric: string;
  /** `pairing`: both sides came back but could not be paired (tag keys differ). */
  side: "baseline" | "canary" | "pairing";
  error: unknown;
}

export interface FetchedPairs {
  pairs: MetricSetPair[];
  failures: MetricFetchFailure[];
}

/**
 * Fetch every planned metric, baseline and canary in parallel, at most `concurrency` requests in
 * flight in all; a metric whose either side failed yields no pairs and one failure per failed side.
 */
export async function fetchMetricSetPairs(
  plans: readonly MetricFetchPlan[],
  options: { pair?: PairMetricSets; concurrency?: number } = {},
): Promise<FetchedPairs> {
  const jobs = plans.flatMap((plan, i) => [
    { plan: i, side: "baseline" as const, request: plan.baseline, source: plan.source },
    { plan: i, side: "canary" as const, request: plan.canary, source: plan.source },
  ]);
  const settled = await mapWithConcurrency(jobs, options.concurrency ?? 8, async (job) => {
    try {
      return { ok: true as const, result: await job.source.fetch(job.request) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
  const pairs: MetricSetPair[] = [];
  const failures: MetricFetchFailure[] = [];
  plans.forEach((plan, i) => {
    const b = settled[2 * i];
    const c = settled[2 * i + 1];
    if (!b || !c) return;
    if (!b.ok) failures.push({ metric: plan.metric.name, side: "baseline", error: b.error });
    if (!c.ok) failures.push({ metric: plan.metric.name, side: "canary", error: c.error });
    if (!b.ok || !c.ok) return;
    let paired: MetricSetPair[];
    try {
      paired = (options.pair ?? mixedPairs)(plan.metric.name, b.result, c.result, {
        baseline: { start: plan.baseline.window.start, end: plan.baseline.window.end },
        canary: { start: plan.canary.window.start, end: plan.canary.window.end },
        stepSeconds: plan.baseline.window.stepSeconds,
      });
    } catch (error) {
      failures.push({ metric: plan.metric.name, side: "pairing", error });
      return;
    }
    for (const p of paired)
      pairs.push({
        ...p,
        attributes: {
          control: { ...p.attributes?.control, query: b.result.query },
          experiment: { ...p.attributes?.experiment, query: c.result.query },
        },
      });
  });
  return { pairs, failures };
}
