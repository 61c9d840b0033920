// The InfluxDB adapter against the real Debian influxd over backfilled data: Kayenta's default and inline InfluxQL, GROUP BY tags, no data, statement and parse errors, and a Kayenta-format config fetched, paired and judged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { validateCanaryConfig } from "../../src/config/validate";
import { getJudge } from "../../src/judge/registry";
import { fetchMetricSetPairs, planMetricFetches } from "../../src/analysis/fetch-pairs";
import { InfluxdbMetricSource } from "../../src/metrics/influxdb-source";
import type { MetricFetchRequest } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import {
  INFLUX_DATABASE,
  INFLUX_PODS,
  INFLUX_STEP_SECONDS,
  influxdbTestsEnabled,
  p95,
  requests,
  startInfluxdb,
  type InfluxServer,
} from "../helpers/influxdb";

const enabled = influxdbTestsEnabled();

describe.runIf(enabled)("InfluxdbMetricSource against a real InfluxDB 1.x", () => {
  let influx: InfluxServer;
  let source: InfluxdbMetricSource;

  beforeAll(async () => {
    influx = await startInfluxdb();
    source = new InfluxdbMetricSource(
      { type: "influxdb", name: "influx", endpoint: influx.url, database: INFLUX_DATABASE },
      { type: "none" },
      { sleep: async () => {} },
    );
  });
  afterAll(async () => {
    await influx?.stop();
  });

  const windowOf = () => {
    const end = influx.data.endSec;
    return { start: new Date((end - 600) * 1000).toISOString(), end: new Date(end * 1000).toISOString() };
  };
  const request = (query: MetricConfig["query"], scope: string): MetricFetchRequest => {
    const config: CanaryConfig = { name: "it", metrics: [{ name: "latency", query }] };
    return {
      config,
      metric: config.metrics[0]!,
      scope: { scope },
      window: { ...windowOf(), stepSeconds: 60 },
    };
  };
  const index = (ms: number) => (ms / 1000 - influx.data.startSec) / INFLUX_STEP_SECONDS;
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

  it("builds Kayenta's default query and returns every raw point of the scope (both pods)", async () => {
    const result = await source.fetch(
      request({ type: "influxdb", metricName: "http", fields: ["p95"] }, "deployment:checkout-canary"),
    );
    const w = windowOf();
    expect(result.query).toBe(
      `SELECT p95 FROM http WHERE time >= '${w.start.replace(".000Z", "Z")}' AND time < '${w.end.replace(".000Z", "Z")}' AND deployment = 'checkout-canary'`,
    );
    expect(result.sets).toHaveLength(1);
    const set = result.sets[0]!;
    expect(set.tags).toEqual({ field: "p95" });
    expect(set.values).toHaveLength(20);
    const expected = [...new Set(set.timestamps)].flatMap((t) =>
      INFLUX_PODS.map((pod) => p95("checkout-canary", pod, index(t))),
    );
    expect(sorted(set.values)).toEqual(sorted(expected));
  });

  it("runs an inline statement with ${scope}, ${timeFilter} and ${step}; GROUP BY tags give one set per tag", async () => {
    const result = await source.fetch(
      request(
        {
          type: "influxdb",
          customInlineTemplate:
            "SELECT mean(requests) FROM http WHERE ${scope} AND ${timeFilter} GROUP BY time(${step}), pod fill(none)",
        },
        "deployment:checkout-baseline",
      ),
    );
    expect(result.query).toMatch(
      /^SELECT mean\(requests\) FROM http WHERE deployment = 'checkout-baseline' AND time >= '.*' GROUP BY time\(60s\), pod fill\(none\)$/,
    );
    expect(result.sets.map((s) => s.tags)).toEqual([
      { pod: "a", field: "mean" },
      { pod: "b", field: "mean" },
    ]);
    for (const set of result.sets) {
      expect(set.values).toHaveLength(10);
      expect(set.values).toEqual(set.timestamps.map((t) => requests(set.tags["pod"] as "a" | "b", index(t))));
    }
  });

  it("a scope that matches nothing is no data, and pairs as Nodata", async () => {
    const result = await source.fetch(
      request({ type: "influxdb", metricName: "http", fields: ["p95"] }, "deployment:nobody"),
    );
    expect(result.sets).toEqual([]);
  });

  it("a statement error inside a 200 (database not found) is a permanent error", async () => {
    const other = new InfluxdbMetricSource({
      type: "influxdb",
      name: "influx",
      endpoint: influx.url,
      database: "nodb",
    });
    const err = (await other
      .fetch(request({ type: "influxdb", metricName: "http" }, "deployment:x"))
      .catch((e: unknown) => e)) as MetricSourceError;
    expect(err).toBeInstanceOf(MetricSourceError);
    expect(err).toMatchObject({
      status: 200,
      transient: false,
      attempts: 1,
      sourceMessage: "database not found: nodb",
    });
  });

  it("a statement InfluxDB cannot parse is a 400 with its own message, not retried", async () => {
    const err = (await source
      .fetch(
        request(
          {
            type: "influxdb",
            customInlineTemplate: "SELECT mean( FROM http WHERE ${scope} AND ${timeFilter}",
          },
          "deployment:x",
        ),
      )
      .catch((e: unknown) => e)) as MetricSourceError;
    expect(err).toMatchObject({ status: 400, transient: false, attempts: 1 });
    expect(err.sourceMessage).toMatch(/^error parsing query: /);
  });

  it("refuses a second statement before sending it", async () => {
    const err = (await source
      .fetch(
        request(
          {
            type: "influxdb",
            customInlineTemplate:
              "SELECT * FROM http WHERE ${scope} AND ${timeFilter}; DROP DATABASE metrics",
          },
          "deployment:x",
        ),
      )
      .catch((e: unknown) => e)) as MetricSourceError;
    expect(err).toMatchObject({ transient: false, attempts: 0 });
    expect(err.sourceMessage).toBe(
      "metric 'latency': customInlineTemplate ';' is not allowed in an InfluxQL query (one SELECT statement only)",
    );
  });

  it("fetches a Kayenta-format config for both scopes, pairs the series and judges them: latency High, requests Pass", async () => {
    const parsed = validateCanaryConfig({
      name: "checkout-influx",
      applications: ["checkout"],
      judge: { name: "NetflixACAJudge-v1.0", judgeConfigurations: {} },
      metrics: [
        {
          name: "p95 latency",
          query: { type: "influxdb", metricName: "http", fields: ["p95"], serviceType: "influxdb" },
          groups: ["latency"],
          analysisConfigurations: { canary: { direction: "increase" } },
          scopeName: "default",
        },
        {
          name: "requests per pod",
          query: {
            type: "influxdb",
            customInlineTemplate:
              "SELECT mean(requests) FROM http WHERE ${scope} AND ${timeFilter} GROUP BY time(${step}), pod fill(none)",
          },
          groups: ["traffic"],
          analysisConfigurations: { canary: {} },
          scopeName: "default",
        },
      ],
      classifier: { groupWeights: { latency: 50, traffic: 50 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const config = parsed.value;
    const plans = planMetricFetches({
      config,
      scopes: {
        default: {
          baseline: { scope: "deployment:checkout-baseline" },
          canary: { scope: "deployment:checkout-canary" },
          step: "PT1M",
        },
      },
      window: windowOf(),
      sourceFor: () => ({ source, account: "influx" }),
    });
    const { pairs, failures } = await fetchMetricSetPairs(plans);
    expect(failures).toEqual([]);
    expect(pairs.map((p) => [p.name, p.tags])).toEqual([
      ["p95 latency", { field: "p95" }],
      ["requests per pod", { pod: "a", field: "mean" }],
      ["requests per pod", { pod: "b", field: "mean" }],
    ]);
    expect(pairs[0]!.attributes?.experiment?.query).toMatch(/AND deployment = 'checkout-canary'$/);
    const { result } = getJudge(config.judge?.name).judge({
      config,
      thresholds: { pass: 95, marginal: 75 },
      pairs,
    });
    expect(result.results.map((r) => [r.name, r.classification])).toEqual([
      ["p95 latency", "High"],
      ["requests per pod", "Pass"],
      ["requests per pod", "Pass"],
    ]);
    expect(result.score).toMatchObject({ score: 50, classification: "Fail" });
  });
});
