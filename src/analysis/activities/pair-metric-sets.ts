// Pairs one metric's baseline and canary metric sets by tags into Kayenta MetricSetPairs (the judge's input).
import type { MetricSetPair } from "../../judge/types";
import type { MetricFetchResult, MetricSet } from "../../metrics/metric-source";

const tagKey = (tags: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]]),
  );

/**
 * One pair per distinct tag set seen on either side (Kayenta's MetricSetMixerService): a side with no
 * series for those tags gets an empty list, which the judge classifies as no data.
 */
export function pairMetricSets(
  metricName: string,
  baseline: MetricFetchResult,
  canary: MetricFetchResult,
  windows: { baseline: { start: string }; canary: { start: string }; stepSeconds: number },
): MetricSetPair[] {
  const byKey = new Map<
    string,
    { tags: Record<string, string>; control?: MetricSet; experiment?: MetricSet }
  >();
  const add = (side: "control" | "experiment", set: MetricSet) => {
    const key = tagKey(set.tags);
    const entry = byKey.get(key) ?? { tags: set.tags };
    entry[side] = set;
    byKey.set(key, entry);
  };
  baseline.sets.forEach((s) => add("control", s));
  canary.sets.forEach((s) => add("experiment", s));
  if (byKey.size === 0) byKey.set(tagKey({}), { tags: {} });
  const stepMillis = windows.stepSeconds * 1000;
  return [...byKey.values()].map((entry) => ({
    name: metricName,
    tags: entry.tags,
    values: { control: entry.control?.values ?? [], experiment: entry.experiment?.values ?? [] },
    scopes: {
      control: {
        startTimeIso: windows.baseline.start,
        startTimeMillis: Date.parse(windows.baseline.start),
        stepMillis,
      },
      experiment: {
        startTimeIso: windows.canary.start,
        startTimeMillis: Date.parse(windows.canary.start),
        stepMillis,
      },
    },
    attributes: { control: { query: baseline.query }, experiment: { query: canary.query } },
  }));
}
