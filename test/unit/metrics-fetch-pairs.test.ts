// Fetching many metrics: the plan (scopes, offsets, --metric), the concurrency bound, both sides in parallel, failures per side.
import { describe, expect, it } from "vitest";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import {
  FetchPlanError,
  fetchMetricSetPairs,
  mapWithConcurrency,
  planMetricFetches,
} from "../../src/analysis/fetch-pairs";
import type { MetricFetchRequest, MetricSource } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";

const config: CanaryConfig = {
  name: "c",
  metrics: Array.from({ length: 10 }, (_, i) => ({
    name: `m${i}`,
    query: { type: "file" as const },
    ...(i === 9 ? { scopeName: "other" } : {}),
  })),
};
const scopes = {
  default: {
    baseline: { scope: "b", offset: "PT1H" },
    canary: { scope: "c", location: "prod" },
    step: "PT30S",
  },
  other: { baseline: { scope: "b2" }, canary: { scope: "c2" } },
};
const window = { start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z" };

/** A source that answers after a tick and records how many fetches are in flight. */
function countingSource(fail?: (r: MetricFetchRequest) => boolean) {
  const stats = { inFlight: 0, max: 0, calls: [] as MetricFetchRequest[] };
  const source: MetricSource = {
    buildQuery: (r) => `${r.metric.name}@${r.scope.scope}`,
    fetch: async (r) => {
      stats.calls.push(r);
      stats.inFlight++;
      stats.max = Math.max(stats.max, stats.inFlight);
      await new Promise((res) => setTimeout(res, 5));
      stats.inFlight--;
      if (fail?.(r))
        throw new MetricSourceError({
          sourceType: "file",
          account: "f",
          query: "q",
          sourceMessage: "boom",
          transient: false,
        });
      return {
        query: `${r.metric.name}@${r.scope.scope}`,
        sets: [{ name: r.metric.name, tags: {}, timestamps: [1], values: [r.scope.scope === "b" ? 1 : 2] }],
      };
    },
  };
  return { source, stats };
}

describe("planMetricFetches", () => {
  it("maps each metric to its scope pair, step and shifted side windows", () => {
    const { source } = countingSource();
    const plans = planMetricFetches({ config, scopes, window, sourceFor: () => ({ source, account: "f" }) });
    expect(plans).toHaveLength(10);
    expect(plans[0]!.baseline.window).toEqual({
      start: "2026-11-23T10:00:00.000Z",
      end: "2026-11-23T10:10:00.000Z",
      stepSeconds: 30,
    });
    expect(plans[0]!.canary.window).toEqual({ ...window, stepSeconds: 30 });
    expect(plans[0]!.canary.scope).toEqual({ scope: "c", location: "prod" });
    expect(plans[9]!.scopeName).toBe("other");
    expect(plans[9]!.baseline.window.stepSeconds).toBe(60);
  });

  it("keeps only --metric names and rejects unknown ones and missing scopes", () => {
    const { source } = countingSource();
    const sourceFor = () => ({ source, account: "f" });
    expect(
      planMetricFetches({ config, scopes, window, sourceFor, only: ["m3"] }).map((p) => p.metric.name),
    ).toEqual(["m3"]);
    expect(() => planMetricFetches({ config, scopes, window, sourceFor, only: ["m99"] })).toThrow(
      FetchPlanError,
    );
    expect(() =>
      planMetricFetches({ config, scopes: { default: scopes.default }, window, sourceFor }),
    ).toThrow("metric 'm9' uses scope 'other', which the request's scopes lack (scopes: 'default')");
  });
});

describe("fetchMetricSetPairs", () => {
  it("fetches both scopes of every metric with at most `concurrency` requests in flight", async () => {
    const { source, stats } = countingSource();
    const plans = planMetricFetches({ config, scopes, window, sourceFor: () => ({ source, account: "f" }) });
    const { pairs, failures } = await fetchMetricSetPairs(plans, { concurrency: 3 });
    expect(failures).toEqual([]);
    expect(stats.calls).toHaveLength(20);
    expect(stats.max).toBe(3);
    expect(pairs.map((p) => p.name)).toEqual(config.metrics.map((m) => m.name));
    // the judge's mixer pads each side with NaN to (end − start) / step = 20 points
    expect(pairs[0]!.values.control).toEqual([1, ...new Array(19).fill(NaN)]);
    expect(pairs[0]).toMatchObject({
      scopes: {
        control: { startTimeIso: "2026-11-23T10:00:00.000Z", stepMillis: 30_000 },
        experiment: { startTimeIso: "2026-11-23T11:00:00.000Z", stepMillis: 30_000 },
      },
      attributes: { control: { query: "m0@b" }, experiment: { query: "m0@c" } },
    });
  });

  it("reports each failed side and keeps the other metrics", async () => {
    const { source } = countingSource((r) => r.metric.name === "m2" && r.scope.scope === "c");
    const plans = planMetricFetches({ config, scopes, window, sourceFor: () => ({ source, account: "f" }) });
    const { pairs, failures } = await fetchMetricSetPairs(plans, {});
    expect(pairs).toHaveLength(9);
    expect(failures.map((f) => [f.metric, f.side])).toEqual([["m2", "canary"]]);
  });

  it("reports a metric whose sides cannot be paired (different tag keys) and keeps the others", async () => {
    const source: MetricSource = {
      buildQuery: () => "q",
      fetch: async (r) => ({
        query: "q",
        sets: [
          {
            name: r.metric.name,
            tags: r.scope.scope === "b" ? { pod: "x" } : { host: "y" },
            timestamps: [1],
            values: [1],
          },
        ],
      }),
    };
    const plans = planMetricFetches({
      config,
      scopes,
      window,
      sourceFor: () => ({ source, account: "f" }),
      only: ["m1"],
    });
    const { pairs, failures } = await fetchMetricSetPairs(plans);
    expect(pairs).toEqual([]);
    expect(failures.map((f) => [f.metric, f.side, (f.error as Error).name])).toEqual([
      ["m1", "pairing", "MetricSetMixError"],
    ]);
  });

  it("mapWithConcurrency keeps input order", async () => {
    const out = await mapWithConcurrency([30, 10, 20], 2, async (ms, i) => {
      await new Promise((r) => setTimeout(r, ms));
      return i;
    });
    expect(out).toEqual([0, 1, 2]);
  });
});
