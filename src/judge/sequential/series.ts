// What both sequential judges (v1 and v2) do the same way with a metric set pair: its series key, its
// kind, its cleaned values, its new usable pairs, the sides a direction tests, and each metric's share
// of α (docs/judges.md).
import {
  resolveCanaryOptions,
  type CanaryConfig,
  type Direction,
  type MetricConfig,
} from "../../config/canary-config.schema";
import type { MetricSetPair } from "../types";
import { newPairs, type SeriesCursor } from "./new-points";

export type Side = "increase" | "decrease";

/** A series is a metric name plus its tags, in sorted tag order: `name{k1=v1,k2=v2}`. */
export function seriesKey(pair: MetricSetPair): string {
  const tags = Object.keys(pair.tags)
    .sort()
    .map((k) => `${k}=${pair.tags[k] ?? ""}`)
    .join(",");
  return tags ? `${pair.name}{${tags}}` : pair.name;
}

const COUNT_NAME = /(_total|_count)$|\b(errors?|failures?|faults?|exceptions?|requests?|count|events?)\b/i;
const NOT_COUNT = /latency|duration|time|seconds|ratio|rate|percent|cpu|memory|bytes/i;

/** `analysisConfigurations.coalmine.kind`, else guessed from the metric and query names (documented in docs/judges.md). */
export function metricKind(metric: MetricConfig): "count" | "continuous" {
  const kind = metric.analysisConfigurations?.coalmine?.kind;
  if (kind) return kind;
  const query = metric.query as { metricName?: unknown };
  const names = [metric.name, typeof query.metricName === "string" ? query.metricName : ""];
  return names.some((n) => COUNT_NAME.test(n) && !NOT_COUNT.test(n)) ? "count" : "continuous";
}

/** The side's numbers, NaN removed or replaced by 0 (`nanStrategy`). */
export function cleanSide(values: readonly unknown[], nanStrategy: "remove" | "replace"): number[] {
  const out: number[] = [];
  for (const raw of values) {
    const v = typeof raw === "number" ? raw : Number(raw);
    if (Number.isNaN(v)) {
      if (nanStrategy === "replace") out.push(0);
    } else out.push(v);
  }
  return out;
}

/** A baseline and canary value of one instant, both finite. */
export interface UsablePair {
  baseline: number;
  canary: number;
}

/**
 * The pairs new since `cursor` (new-points.ts) with a finite value on both sides, NaN read as 0 when
 * `nanStrategy` is "replace", and the cursor after them.
 */
export function newUsablePairs(
  pair: MetricSetPair,
  cursor: SeriesCursor,
  nanStrategy: "remove" | "replace",
): { usable: UsablePair[]; cursor: SeriesCursor } {
  const fresh = newPairs(pair, cursor);
  const fix = (v: number): number => (Number.isNaN(v) && nanStrategy === "replace" ? 0 : v);
  const usable = fresh.pairs
    .map((x) => ({ baseline: fix(x.baseline), canary: fix(x.canary) }))
    .filter((x) => Number.isFinite(x.baseline) && Number.isFinite(x.canary));
  return { usable, cursor: fresh.cursor };
}

/** The sides a metric's direction tests. */
export function sides(direction: Direction): Side[] {
  return direction === "either" ? ["increase", "decrease"] : [direction];
}

/** Each unmuted metric's weight (`analysisConfigurations.coalmine.alphaWeight`, default 1) and their total. */
export function alphaWeights(config: CanaryConfig): { total: number; weight: (m: MetricConfig) => number } {
  const weight = (m: MetricConfig): number => m.analysisConfigurations?.coalmine?.alphaWeight ?? 1;
  const total = config.metrics
    .filter((m) => !resolveCanaryOptions(m).muted)
    .reduce((a, m) => a + weight(m), 0);
  return { total: total > 0 ? total : 1, weight };
}
