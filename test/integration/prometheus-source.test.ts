// The Prometheus adapter against the real Debian binary over backfilled data: default avg(), rate(), histogram_quantile(), NaN/Inf, empty and bad queries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { fetchMetricSetPairs, planMetricFetches } from "../../src/analysis/fetch-pairs";
import type { MetricFetchRequest, MetricSet } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import { PrometheusMetricSource } from "../../src/metrics/prometheus-source";
import {
  histogramQuantile,
  LATENCY_BUCKETS,
  LATENCY_CUMULATIVE,
  LATENCY_PER_SCRAPE,
  memoryBytes,
  PODS,
  prometheusTestsEnabled,
  REQUEST_RATE,
  SCRAPE_SECONDS,
  startPrometheus,
  type PrometheusServer,
} from "../helpers/prometheus";

const enabled = prometheusTestsEnabled();

describe.runIf(enabled)("PrometheusMetricSource against a real Prometheus", () => {
  let prom: PrometheusServer;
  let source: PrometheusMetricSource;
  let attempts = 0;

  beforeAll(async () => {
    prom = await startPrometheus();
    source = new PrometheusMetricSource(
      { type: "prometheus", name: "local", endpoint: prom.url },
      { type: "none" },
      { onRetry: () => attempts++, sleep: async () => {} },
    );
  });
  afterAll(async () => {
    await prom?.stop();
  });

  const config = (query: MetricConfig["query"]): CanaryConfig => ({
    name: "it",
    metrics: [{ name: "m", query, scopeName: "default" }],
    templates: { "by-deployment": 'deployment="${scope}"' },
  });
  const request = (query: MetricConfig["query"], scope: string): MetricFetchRequest => {
    const cfg = config(query);
    const end = prom.data.endSec;
    return {
      config: cfg,
      metric: cfg.metrics[0]!,
      scope: { scope, location: "prod" },
      window: {
        start: new Date((end - 600) * 1000).toISOString(),
        end: new Date(end * 1000).toISOString(),
        stepSeconds: 60,
      },
    };
  };
  const sampleIndex = (ms: number) => (ms / 1000 - prom.data.startSec) / SCRAPE_SECONDS;

  it("builds Kayenta's default avg() query and returns the mean of the pods at every step", async () => {
    for (const deployment of ["checkout-baseline", "checkout-canary"] as const) {
      const result = await source.fetch(
        request(
          { type: "prometheus", metricName: "process_memory_bytes", customFilterTemplate: "by-deployment" },
          deployment,
        ),
      );
      expect(result.query).toBe(`avg(process_memory_bytes{deployment="${deployment}"})`);
      expect(result.sets).toHaveLength(1);
      const set = result.sets[0]!;
      expect(set.tags).toEqual({});
      expect(set.values).toHaveLength(11);
      const expected = set.timestamps.map(
        (t) => PODS.reduce((s, pod) => s + memoryBytes(deployment, pod, sampleIndex(t)), 0) / PODS.length,
      );
      expect(set.values).toEqual(expected);
    }
  });

  it("groups by groupByFields into one set per label set", async () => {
    const result = await source.fetch(
      request(
        {
          type: "prometheus",
          metricName: "process_memory_bytes",
          customInlineTemplate: 'deployment="${scope}"',
          groupByFields: ["pod"],
        },
        "checkout-canary",
      ),
    );
    expect(result.query).toBe('avg(process_memory_bytes{deployment="checkout-canary"}) by (pod)');
    const byPod: Record<string, MetricSet> = Object.fromEntries(result.sets.map((s) => [s.tags["pod"], s]));
    expect(Object.keys(byPod).sort()).toEqual(["a", "b"]);
    for (const pod of PODS)
      expect(byPod[pod]!.values).toEqual(
        byPod[pod]!.timestamps.map((t) => memoryBytes("checkout-canary", pod, sampleIndex(t))),
      );
  });

  it("returns the generated request rates through PromQL: rate()", async () => {
    for (const deployment of ["checkout-baseline", "checkout-canary"] as const) {
      const result = await source.fetch(
        request(
          {
            type: "prometheus",
            customInlineTemplate:
              'PromQL:sum(rate(http_requests_total{deployment="${scope}",code="500"}[1m]))',
          },
          deployment,
        ),
      );
      expect(result.query).toBe(`sum(rate(http_requests_total{deployment="${deployment}",code="500"}[1m]))`);
      const rate = REQUEST_RATE[deployment]["500"] * PODS.length;
      expect(result.sets[0]!.values).toHaveLength(11);
      for (const v of result.sets[0]!.values) expect(v).toBeCloseTo(rate, 9);
    }
  });

  it("returns the generated p95 latency through histogram_quantile()", async () => {
    for (const deployment of ["checkout-baseline", "checkout-canary"] as const) {
      const result = await source.fetch(
        request(
          {
            type: "prometheus",
            customInlineTemplate:
              'PromQL:histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{deployment="${scope}"}[1m])))',
          },
          deployment,
        ),
      );
      const expected = histogramQuantile(
        0.95,
        LATENCY_BUCKETS,
        LATENCY_CUMULATIVE[deployment],
        LATENCY_PER_SCRAPE,
      );
      expect(result.sets[0]!.values).toHaveLength(11);
      for (const v of result.sets[0]!.values) expect(v).toBeCloseTo(expected, 9);
    }
    // the regression: baseline p95 ≈ 0.243 s, canary ≈ 0.525 s
    expect(
      histogramQuantile(0.95, LATENCY_BUCKETS, LATENCY_CUMULATIVE["checkout-canary"], LATENCY_PER_SCRAPE),
    ).toBeCloseTo(0.525, 9);
  });

  it('reads "NaN", "+Inf" and "-Inf" values', async () => {
    const values = async (expr: string) =>
      (await source.fetch(request({ type: "prometheus", customInlineTemplate: `PromQL:${expr}` }, "x")))
        .sets[0]!.values;
    expect((await values("vector(0) / 0")).every(Number.isNaN)).toBe(true);
    expect(await values("vector(1) / 0")).toEqual(new Array(11).fill(Infinity));
    expect(await values("vector(-1) / 0")).toEqual(new Array(11).fill(-Infinity));
  });

  it("treats an empty result as no data (zero sets)", async () => {
    const result = await source.fetch(
      request(
        {
          type: "prometheus",
          metricName: "process_memory_bytes",
          customInlineTemplate: 'deployment="${scope}"',
        },
        "nobody",
      ),
    );
    expect(result.sets).toEqual([]);
  });

  it("fails a bad PromQL query at once with Prometheus' own message and the query", async () => {
    attempts = 0;
    const err = await source
      .fetch(
        request({ type: "prometheus", customInlineTemplate: "PromQL:sum(rate(http_requests_total[1m]" }, "x"),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(MetricSourceError);
    const e = err as MetricSourceError;
    expect(e.status).toBe(400);
    expect(e.transient).toBe(false);
    expect(e.attempts).toBe(1);
    expect(attempts).toBe(0);
    expect(e.query).toBe("sum(rate(http_requests_total[1m]");
    expect(e.sourceMessage).toMatch(/^bad_data: .*parse error/);
    expect(e.message).toContain("query: sum(rate(http_requests_total[1m]");
  });

  it("fetches both scopes and pairs them with each side's final query", async () => {
    const cfg = config({
      type: "prometheus",
      customInlineTemplate: 'PromQL:sum(rate(http_requests_total{deployment="${scope}",code="500"}[1m]))',
    });
    const end = prom.data.endSec;
    const plans = planMetricFetches({
      config: cfg,
      scopes: {
        default: {
          baseline: { scope: "checkout-baseline" },
          canary: { scope: "checkout-canary" },
          step: "PT1M",
        },
      },
      window: { start: new Date((end - 600) * 1000).toISOString(), end: new Date(end * 1000).toISOString() },
      sourceFor: () => ({ source, account: "local" }),
    });
    const { pairs, failures } = await fetchMetricSetPairs(plans, { concurrency: 2 });
    expect(failures).toEqual([]);
    expect(pairs).toHaveLength(1);
    const pair = pairs[0]!;
    expect(pair.values.control.every((v) => Math.abs(v - 0.2) < 1e-9)).toBe(true);
    expect(pair.values.experiment.every((v) => Math.abs(v - 1) < 1e-9)).toBe(true);
    expect(pair.attributes).toEqual({
      control: { query: 'sum(rate(http_requests_total{deployment="checkout-baseline",code="500"}[1m]))' },
      experiment: { query: 'sum(rate(http_requests_total{deployment="checkout-canary",code="500"}[1m]))' },
    });
  });
});
