// Orchestration history bench: a 3-hour canary, 1-minute intervals, 20 metrics, on the local runtime with the virtual clock.
import type { MetricFetchRequest, MetricSource } from "../src/analysis/ports/metric-source";
import { createLocalApp } from "../src/app/local";

const METRICS = 20;
const START = new Date("2026-11-23T10:00:00Z");

/** Deterministic series: a smooth wave plus hashed jitter, the same shape for both sides. */
const source: MetricSource = {
  buildQuery: (r: MetricFetchRequest) => `${r.metric.name}{scope="${r.scope.scope}"}`,
  async fetch(r: MetricFetchRequest) {
    const start = Date.parse(r.window.start);
    const end = Date.parse(r.window.end);
    const step = r.window.stepSeconds * 1000;
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = start; t < end; t += step) {
      const k = t / step;
      timestamps.push(t);
      values.push(100 + 10 * Math.sin(k / 7) + ((k * 2654435761) % 997) / 100);
    }
    return { query: this.buildQuery(r), sets: [{ name: r.metric.name, tags: {}, timestamps, values }] };
  },
};

export async function run(): Promise<void> {
  const app = await createLocalApp({
    env: {},
    clock: "virtual",
    virtualStart: START,
    storage: "memory",
    overrides: { metricSources: () => source, notifier: { notify: async () => {} } },
  });
  try {
    const request = {
      application: "bench",
      canaryConfig: {
        name: "bench",
        metrics: Array.from({ length: METRICS }, (_, i) => ({
          name: `metric-${i}`,
          query: { type: "file", metricName: `metric-${i}` },
          groups: ["all"],
        })),
      },
      scopes: { default: { baseline: { scope: "b" }, canary: { scope: "c" } } },
      stages: [{ name: "3h", duration: "PT3H", interval: "PT1M", lookback: "PT30M" }],
      startTime: START.toISOString(),
      // Kayenta's judge never passes a stage early, so all 180 judgements run (the sequential default would
      // pass after a dozen and measure far less).
      judge: "NetflixACAJudge-v1.0",
    };
    const t0 = process.hrtime.bigint();
    const { id } = await app.service.start(request);
    const final = await app.runtime.waitForCompletion(id);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const status = await app.service.getStatus(id);
    const stats = app.runtime.stats();
    const episodes = app.runtime.episodes(id);
    const executions = new Set(episodes.map((e) => e.execution)).size;
    console.log(`canary: 3 h, 1-minute intervals, ${METRICS} metrics, continueAsNew after every judgement`);
    console.log(
      `outcome: ${final.runtimeStatus} / ${status?.state} (${status?.reason}), judgements: ${status?.judgements.length}`,
    );
    console.log(`executions (continueAsNew): ${executions}`);
    console.log(`episodes: ${stats.episodes}`);
    console.log(`history events replayed (total): ${stats.eventsReplayed}`);
    console.log(
      `history events replayed per episode (mean): ${(stats.eventsReplayed / stats.episodes).toFixed(1)}`,
    );
    console.log(`max history length: ${stats.maxHistoryLength}`);
    console.log(`activities run: ${stats.activitiesRun}`);
    console.log(`wall time: ${wallMs.toFixed(0)} ms`);
    // One execution for the whole analysis would end with ~ judgements × (2 × metrics + 6) events and
    // replay about half of that per episode on average.
    const judgements = status?.judgements.length ?? 0;
    const single = judgements * (2 * (METRICS + 1) + 6);
    console.log(
      `for comparison, one execution without continueAsNew: final history ≈ ${single} events, ≈ ${Math.round((single / 2) * stats.episodes).toLocaleString("en")} replayed in total`,
    );
  } finally {
    await app.close();
  }
}
