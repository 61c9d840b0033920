// Time to fetch 50 metrics × 2 scopes from a local Prometheus (backfilled by test/helpers/prometheus.ts), at several concurrency bounds.
import type { CanaryConfig } from "../src/config/canary-config.schema";
import { fetchMetricSetPairs, planMetricFetches } from "../src/analysis/fetch-pairs";
import { PrometheusMetricSource } from "../src/metrics/prometheus-source";
import { prometheusUnavailable, startPrometheus } from "../test/helpers/prometheus";

const METRICS = 50;
const ROUNDS = 5;

export async function run(): Promise<void> {
  const missing = prometheusUnavailable();
  if (missing !== undefined) {
    console.log(`metrics bench skipped: ${missing}`);
    return;
  }
  const t0 = performance.now();
  const prom = await startPrometheus({ hours: 2, benchMetrics: METRICS });
  console.log(
    `backfill + start: ${(performance.now() - t0).toFixed(0)} ms (${METRICS + 3} metric families, 2 h at 15 s)`,
  );
  try {
    const source = new PrometheusMetricSource({ type: "prometheus", name: "bench", endpoint: prom.url });
    const config: CanaryConfig = {
      name: "bench",
      metrics: Array.from({ length: METRICS }, (_, k) => ({
        name: `bench ${k}`,
        query: {
          type: "prometheus" as const,
          metricName: `bench_metric_${k}`,
          customInlineTemplate: 'deployment="${scope}"',
        },
      })),
    };
    const end = prom.data.endSec;
    const plans = planMetricFetches({
      config,
      scopes: {
        default: {
          baseline: { scope: "checkout-baseline" },
          canary: { scope: "checkout-canary" },
          step: "PT1M",
        },
      },
      window: { start: new Date((end - 3600) * 1000).toISOString(), end: new Date(end * 1000).toISOString() },
      sourceFor: () => ({ source, account: "bench" }),
    });
    await fetchMetricSetPairs(plans, { concurrency: 8 }); // warm-up (connections, caches)
    for (const concurrency of [1, 4, 8, 16]) {
      const times: number[] = [];
      let points = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const start = performance.now();
        const { pairs, failures } = await fetchMetricSetPairs(plans, { concurrency });
        times.push(performance.now() - start);
        if (failures.length > 0) throw new Error(`bench fetch failed: ${String(failures[0]?.error)}`);
        points = pairs.reduce((s, p) => s + p.values.control.length + p.values.experiment.length, 0);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? NaN;
      console.log(
        `${METRICS} metrics × 2 scopes (1 h, step 60 s, ${points} points), concurrency ${String(concurrency).padStart(2)}: ` +
          `median ${median.toFixed(1)} ms, min ${times[0]?.toFixed(1)} ms, max ${times[times.length - 1]?.toFixed(1)} ms over ${ROUNDS} rounds`,
      );
    }
  } finally {
    await prom.stop();
  }
}
