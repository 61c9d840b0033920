// What both sequential judges (v1 and v2) do the same way with a metric set pair: its series key, its
// cleaned values, the sides a direction tests, and each metric's share of α (docs/judges.md).
import {
  resolveCanaryOptions,
  type CanaryConfig,
  type Direction,
  type MetricConfig,
} from "../../config/canary-config.schema";
import type { MetricSetPair } from "../types";

export type Side = "increase" | "decrease";

/** A series is a metric name plus its tags, in sorted tag order: `name{k1=v1,k2=v2}`. */
export function seriesKey(pair: MetricSetPair): string {
  const tags = Object.keys(pair.tags)
    .sort()
    .map((k) => `${k}=${pair.tags[k] ?? ""}`)
    .join(",");
  return tags ? `${pair.name}{${tags}}` : pair.name;
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
