// The Graphite adapter against the real Debian graphite-web over backfilled whisper files: Kayenta's $scope target, wildcard series paired by name, no data, graphite's own errors, and Kayenta's integration-test config fetched, paired and judged.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { validateCanaryConfig } from "../../src/config/validate";
import { getJudge } from "../../src/judge/registry";
import { fetchMetricSetPairs, planMetricFetches } from "../../src/analysis/fetch-pairs";
import { GraphiteMetricSource } from "../../src/metrics/graphite-source";
import type { MetricFetchRequest } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import {
  cpu,
  errorRate,
  GRAPHITE_STEP_SECONDS,
  graphiteTestsEnabled,
  startGraphite,
  type GraphiteServer,
} from "../helpers/graphite";

const enabled = graphiteTestsEnabled();
const SAMPLES = join(__dirname, "../fixtures/configs/kayenta-samples");

describe.runIf(enabled)("GraphiteMetricSource against a real graphite-web", () => {
  let graphite: GraphiteServer;
  let source: GraphiteMetricSource;

  beforeAll(async () => {
    graphite = await startGraphite();
    source = new GraphiteMetricSource(
      { type: "graphite", name: "graphite", endpoint: graphite.url },
      { type: "none" },
      { sleep: async () => {} },
    );
  }, 90_000);
  afterAll(async () => {
    await graphite?.stop();
  });

  const windowOf = () => {
    const end = graphite.data.endSec;
    return { start: new Date((end - 600) * 1000).toISOString(), end: new Date(end * 1000).toISOString() };
  };
  const request = (query: MetricConfig["query"], scope: string): MetricFetchRequest => {
    const config: CanaryConfig = { name: "it", metrics: [{ name: "m", query }] };
    return {
      config,
      metric: config.metrics[0]!,
      scope: { scope, location: "prod" },
      window: { ...windowOf(), stepSeconds: 60 },
    };
  };
  const index = (ms: number) => (ms / 1000 - graphite.data.startSec) / GRAPHITE_STEP_SECONDS;
  /** The metric set pairs of `config` for the checkout baseline and canary over the backfilled window. */
  const fetchCheckoutPairs = (config: CanaryConfig) =>
    fetchMetricSetPairs(
      planMetricFetches({
        config,
        scopes: {
          default: {
            baseline: { scope: "checkout-baseline" },
            canary: { scope: "checkout-canary" },
            step: "PT1M",
          },
        },
        window: windowOf(),
        sourceFor: () => ({ source, account: "graphite" }),
      }),
    );

  it("replaces $scope in the target and returns the series' points at their times (one series: untagged)", async () => {
    const result = await source.fetch(
      request({ type: "graphite", metricName: "checkout.$scope.errors.rate" }, "checkout-canary"),
    );
    expect(result.query).toBe("checkout.checkout-canary.errors.rate");
    expect(result.sets).toHaveLength(1);
    const set = result.sets[0]!;
    expect(set.tags).toEqual({});
    const known = set.timestamps
      .map((t, i) => [t, set.values[i]!] as const)
      .filter(([t]) => t / 1000 <= graphite.data.endSec);
    expect(known.length).toBeGreaterThanOrEqual(10);
    for (const [t, v] of known) expect(v).toBeCloseTo(errorRate("checkout-canary", index(t)), 9);
  });

  it("tags the series of a wildcard target by name with $scope put back, so both sides pair per pod", async () => {
    const cfg: CanaryConfig = {
      name: "it",
      metrics: [{ name: "cpu", query: { type: "graphite", metricName: "checkout.$scope.pods.*.cpu" } }],
    };
    const { pairs, failures } = await fetchCheckoutPairs(cfg);
    expect(failures).toEqual([]);
    expect(pairs.map((p) => p.tags)).toEqual([
      { target: "checkout.$scope.pods.a.cpu" },
      { target: "checkout.$scope.pods.b.cpu" },
    ]);
    for (const p of pairs) {
      const pod = p.tags["target"] === "checkout.$scope.pods.a.cpu" ? "a" : "b";
      const finite = (xs: readonly (number | string)[]) =>
        xs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      expect(finite(p.values.control).sort()).toEqual(finite(p.values.experiment).sort());
      expect(finite(p.values.control).every((v) => v >= cpu(pod, 0) && v <= cpu(pod, 5))).toBe(true);
    }
  });

  it("a target that matches nothing is no data", async () => {
    const result = await source.fetch(
      request({ type: "graphite", metricName: "checkout.$scope.errors.rate" }, "nobody"),
    );
    expect(result.sets).toEqual([]);
  });

  it("an unknown function is graphite's 400, not retried, with its own words", async () => {
    const err = (await source
      .fetch(
        request(
          { type: "graphite", metricName: "nosuchFunction(checkout.$scope.errors.rate)" },
          "checkout-canary",
        ),
      )
      .catch((e: unknown) => e)) as MetricSourceError;
    expect(err).toBeInstanceOf(MetricSourceError);
    expect(err).toMatchObject({ status: 400, transient: false, attempts: 1 });
    expect(err.sourceMessage).toContain("unknown function: nosuchFunction");
  });

  it("fetches Kayenta's own Graphite integration-test config unchanged, pairs and judges it: the canary's errors are High", async () => {
    const raw = JSON.parse(
      readFileSync(join(SAMPLES, "graphite-integration-test.config.json"), "utf8"),
    ) as Record<string, unknown>;
    const parsed = validateCanaryConfig(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    // Kayenta's test target is test.server.request.400.$scope; our backfill names it checkout.$scope.errors.rate.
    const config: CanaryConfig = {
      ...parsed.value,
      metrics: parsed.value.metrics.map((m) => ({
        ...m,
        query: { type: "graphite", metricName: "checkout.$scope.errors.rate" },
      })),
    };
    const { pairs, failures } = await fetchCheckoutPairs(config);
    expect(failures).toEqual([]);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]!.attributes).toEqual({
      control: { query: "checkout.checkout-baseline.errors.rate" },
      experiment: { query: "checkout.checkout-canary.errors.rate" },
    });
    const { result } = getJudge(config.judge?.name).judge({
      config,
      thresholds: { pass: 75, marginal: 50 },
      pairs,
    });
    expect(result.results[0]).toMatchObject({ name: "test", classification: "High" });
    expect(result.score).toMatchObject({ score: 0, classification: "Fail" });
  });
});
