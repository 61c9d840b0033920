// Fetch figures for the stackdriver, graphite, influxdb, signalfx and wavefront adapters: 20 metrics × 2 scopes over 1 h at 60 s, against real InfluxDB and graphite-web (backfilled by the test helpers) and the local Cloud Monitoring, SignalFlow and Wavefront stand-ins.
import type { CanaryConfig, MetricConfig } from "../src/config/canary-config.schema";
import { fetchMetricSetPairs, planMetricFetches } from "../src/analysis/fetch-pairs";
import { parseServiceAccountKey } from "../src/metrics/google-service-account";
import { GraphiteMetricSource } from "../src/metrics/graphite-source";
import { InfluxdbMetricSource } from "../src/metrics/influxdb-source";
import type { MetricSource } from "../src/analysis/ports/metric-source";
import { SignalFxMetricSource } from "../src/metrics/signalfx-source";
import { StackdriverMetricSource } from "../src/metrics/stackdriver-source";
import { WavefrontMetricSource } from "../src/metrics/wavefront-source";
import {
  cloudMonitoringList,
  cloudMonitoringSeries,
  googleTokenAnswer,
  serviceAccountKey,
  signalFlowStream,
  startFakeServer,
  wavefrontChart,
} from "../test/helpers/fake-metric-servers";
import { graphiteUnavailable, startGraphite } from "../test/helpers/graphite";
import { INFLUX_DATABASE, influxdbUnavailable, startInfluxdb } from "../test/helpers/influxdb";

const METRICS = 20;
const ROUNDS = 5;
const POINTS = 60;

interface Case {
  source: MetricSource;
  query: (k: number) => MetricConfig["query"];
  scopes: { baseline: string; canary: string };
  /** Window end, epoch seconds. */
  endSec: number;
}

async function measure(label: string, c: Case): Promise<void> {
  const config: CanaryConfig = {
    name: "bench",
    metrics: Array.from({ length: METRICS }, (_, k) => ({ name: `m${k}`, query: c.query(k) })),
  };
  const plans = planMetricFetches({
    config,
    scopes: {
      default: { baseline: { scope: c.scopes.baseline }, canary: { scope: c.scopes.canary }, step: "PT1M" },
    },
    window: {
      start: new Date((c.endSec - POINTS * 60) * 1000).toISOString(),
      end: new Date(c.endSec * 1000).toISOString(),
    },
    sourceFor: () => ({ source: c.source, account: label }),
  });
  await fetchMetricSetPairs(plans, { concurrency: 8 }); // warm-up (connections, token, caches)
  for (const concurrency of [1, 8]) {
    const times: number[] = [];
    let points = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      const { pairs, failures } = await fetchMetricSetPairs(plans, { concurrency });
      times.push(performance.now() - start);
      if (failures.length > 0) throw new Error(`${label} bench fetch failed: ${String(failures[0]?.error)}`);
      points = pairs.reduce((s, p) => s + p.values.control.length + p.values.experiment.length, 0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? NaN;
    console.log(
      `${label.padEnd(40)} ${METRICS} metrics × 2 scopes (${points} points), concurrency ${String(concurrency).padStart(2)}: ` +
        `median ${median.toFixed(1)} ms (${(median / (2 * METRICS)).toFixed(1)} ms/fetch), ` +
        `min ${times[0]?.toFixed(1)} ms, max ${times[times.length - 1]?.toFixed(1)} ms over ${ROUNDS} rounds`,
    );
  }
}

export async function run(): Promise<void> {
  const endSec = Math.floor(Date.now() / 60_000) * 60 - 10 * 60;

  const influxMissing = influxdbUnavailable();
  if (influxMissing !== undefined) console.log(`influxdb: skipped (${influxMissing})`);
  else {
    const influx = await startInfluxdb({ hours: 2, benchMeasurements: METRICS });
    try {
      await measure("influxdb (real InfluxDB 1.6)", {
        source: new InfluxdbMetricSource({
          type: "influxdb",
          name: "b",
          endpoint: influx.url,
          database: INFLUX_DATABASE,
        }),
        query: (k) => ({
          type: "influxdb",
          customInlineTemplate: `SELECT mean(value) FROM bench_${k} WHERE \${scope} AND \${timeFilter} GROUP BY time(\${step}) fill(none)`,
        }),
        scopes: { baseline: "deployment:checkout-baseline", canary: "deployment:checkout-canary" },
        endSec: influx.data.endSec,
      });
    } finally {
      await influx.stop();
    }
  }

  const graphiteMissing = graphiteUnavailable();
  if (graphiteMissing !== undefined) console.log(`graphite: skipped (${graphiteMissing})`);
  else {
    const graphite = await startGraphite({ hours: 2, benchMetrics: METRICS });
    try {
      await measure("graphite (real graphite-web 1.1)", {
        source: new GraphiteMetricSource({ type: "graphite", name: "b", endpoint: graphite.url }),
        query: (k) => ({ type: "graphite", metricName: `bench.$scope.m${k}` }),
        scopes: { baseline: "checkout-baseline", canary: "checkout-canary" },
        endSec: graphite.data.endSec,
      });
    } finally {
      await graphite.stop();
    }
  }

  // The cloud stand-ins answer at once: these figures are the adapters' own cost (token, request, parse).
  const minutes = Array.from({ length: POINTS }, (_, i) => i);
  const t0 = (endSec - POINTS * 60) * 1000;
  const holder: { key?: ReturnType<typeof serviceAccountKey> } = {};
  const cloud = await startFakeServer((r) => {
    if (r.path === "/token") return googleTokenAnswer(r, holder.key!, `${cloud.url}/token`);
    if (r.path.endsWith("/timeSeries"))
      return {
        body: cloudMonitoringList([
          cloudMonitoringSeries(
            {},
            minutes.map((m) => [new Date(t0 + (m + 1) * 60_000).toISOString(), 0.3 + (m % 3) / 100]),
          ),
        ]),
      };
    if (r.path === "/v2/signalflow/execute")
      return {
        headers: { "Content-Type": "text/event-stream" },
        body: signalFlowStream(minutes.map((m) => ({ t: t0 + m * 60_000, value: 50 + (m % 4) }))),
      };
    return { body: wavefrontChart("q", [{ data: minutes.map((m) => [t0 / 1000 + m * 60, 20 + (m % 5)]) }]) };
  });
  holder.key = serviceAccountKey(`${cloud.url}/token`);
  try {
    await measure("stackdriver (Cloud Monitoring stand-in)", {
      source: new StackdriverMetricSource(
        {
          type: "stackdriver",
          name: "b",
          project: "my-project",
          endpoint: cloud.url,
          auth: { type: "service-account", keySetting: "K" },
        },
        parseServiceAccountKey(holder.key.json),
      ),
      query: (k) => ({
        type: "stackdriver",
        metricType: `custom.googleapis.com/bench/m${k}`,
        resourceType: "global",
      }),
      scopes: { baseline: "checkout-baseline", canary: "checkout-canary" },
      endSec,
    });
    await measure("signalfx (SignalFlow SSE stand-in)", {
      source: new SignalFxMetricSource(
        {
          type: "signalfx",
          name: "b",
          endpoint: cloud.url,
          auth: { type: "api-key", apiKeySetting: "K" },
          defaultScopeKey: "canary-scope",
        },
        "token",
      ),
      query: (k) => ({ type: "signalfx", metricName: `bench.m${k}` }),
      scopes: { baseline: "checkout-baseline", canary: "checkout-canary" },
      endSec,
    });
    await measure("wavefront (chart API stand-in)", {
      source: new WavefrontMetricSource(
        { type: "wavefront", name: "b", endpoint: cloud.url, auth: { type: "api-key", apiKeySetting: "K" } },
        "token",
      ),
      query: (k) => ({
        type: "wavefront",
        metricName: `bench.m${k}`,
        aggregate: "avg",
        summarization: "MEAN",
      }),
      scopes: { baseline: "env=baseline", canary: "env=canary" },
      endSec,
    });
  } finally {
    await cloud.close();
  }
}
