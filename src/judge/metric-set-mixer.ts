// Pairs fetched baseline and canary metric sets into MetricSetPairs (Kayenta's MetricSetMixerService rules).
import type { MetricSetPair } from "./types";

/** A fetched series, structurally compatible with metrics/metric-source.ts `MetricSet`. */
export interface MetricSeries {
  name: string;
  tags: Record<string, string>;
  values: readonly number[];
}

/** Baseline and canary series of one metric disagree on their tag keys (Kayenta throws too). */
export class MetricSetMixError extends Error {
  override readonly name = "MetricSetMixError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface MixOptions {
  /** Pad each side with NaN up to this many points: (end − start) / step of that side's window. */
  expectedPoints?: { baseline?: number; canary?: number };
}

const tagKey = (tags: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]]),
  );
const keySet = (tags: Record<string, string>): string => JSON.stringify(Object.keys(tags).sort());

function padded(values: readonly number[], expected: number | undefined): number[] {
  const out = [...values];
  if (expected !== undefined) while (out.length < expected) out.push(Number.NaN);
  return out;
}

/**
 * Kayenta's mixing rules (docs/kayenta-rules.md §4): series pair by exact tag set. When one side holds only a
 * series with empty tags (typically "no data"), it stands in for every tag set of the other side.
 * Otherwise the tag sets are unioned and a side missing a tag set gets an empty (NaN-padded) series.
 * Both sides having tags with different tag keys is an error. Each side is padded with NaN to its
 * expected point count. With no series on either side, one pair with empty tags is produced, so the
 * judge reports the metric as Nodata instead of dropping it. Pairs follow the baseline's order, then
 * the canary's new tag sets.
 */
export function mixMetricSets(
  metricName: string,
  baseline: readonly MetricSeries[],
  canary: readonly MetricSeries[],
  options: MixOptions = {},
): MetricSetPair[] {
  const expectedBaseline = options.expectedPoints?.baseline;
  const expectedCanary = options.expectedPoints?.canary;
  const onlyEmptyTags = (side: readonly MetricSeries[]) =>
    side.length === 1 && Object.keys(side[0]?.tags ?? {}).length === 0;
  const pair = (tags: Record<string, string>, control: readonly number[], experiment: readonly number[]) => ({
    name: metricName,
    tags: { ...tags },
    values: { control: padded(control, expectedBaseline), experiment: padded(experiment, expectedCanary) },
  });

  if (baseline.length === 0 && canary.length === 0) return [pair({}, [], [])];
  if (onlyEmptyTags(baseline) && canary.length > 0 && !onlyEmptyTags(canary)) {
    const template = baseline[0]?.values ?? [];
    return canary.map((c) => pair(c.tags, template, c.values));
  }
  if (onlyEmptyTags(canary) && baseline.length > 0 && !onlyEmptyTags(baseline)) {
    const template = canary[0]?.values ?? [];
    return baseline.map((b) => pair(b.tags, b.values, template));
  }

  const firstBaseline = baseline.find((s) => Object.keys(s.tags).length > 0);
  const firstCanary = canary.find((s) => Object.keys(s.tags).length > 0);
  if (firstBaseline && firstCanary && keySet(firstBaseline.tags) !== keySet(firstCanary.tags)) {
    throw new MetricSetMixError(
      `metric '${metricName}': baseline tag keys ${keySet(firstBaseline.tags)} differ from canary tag keys ${keySet(firstCanary.tags)}`,
    );
  }
  const order: string[] = [];
  const tagsOf = new Map<string, Record<string, string>>();
  const baselineBy = new Map<string, readonly number[]>();
  const canaryBy = new Map<string, readonly number[]>();
  const note = (s: MetricSeries, into: Map<string, readonly number[]>) => {
    const key = tagKey(s.tags);
    if (!tagsOf.has(key)) {
      tagsOf.set(key, s.tags);
      order.push(key);
    }
    if (!into.has(key)) into.set(key, s.values);
  };
  for (const s of baseline) note(s, baselineBy);
  for (const s of canary) note(s, canaryBy);
  return order.map((key) => pair(tagsOf.get(key) ?? {}, baselineBy.get(key) ?? [], canaryBy.get(key) ?? []));
}
