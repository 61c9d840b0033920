// Shared set-up of the orchestration tests: the local app on a virtual clock over Azurite, scripted metrics and judge.
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import type { Judge, JudgeOutput, MetricSetPair, SummaryClassification } from "../../src/judge/types";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import type { MetricFetchRequest, MetricSource } from "../../src/analysis/ports/metric-source";
import type { AnalysisEvent, Notifier } from "../../src/analysis/ports/notifier";
import type { TrafficHook } from "../../src/analysis/ports/traffic-hook";
import { createLocalApp, type LocalApp } from "../../src/app/local";
import { azuriteConnectionString, uniqueStoragePrefix } from "../helpers/azurite";

export const T0 = new Date("2026-11-23T10:00:00.000Z");
export const at = (hhmmss: string): string => `2026-11-23T${hhmmss}.000Z`;

export const config: CanaryConfig = {
  name: "checkout",
  metrics: [
    { name: "latency", query: { type: "file", metricName: "latency" } },
    { name: "errors", query: { type: "file", metricName: "errors" } },
  ],
  classifier: { groupWeights: {} },
} as unknown as CanaryConfig;

export function request(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    application: "checkout",
    canaryConfig: {
      name: "checkout",
      metrics: [
        { name: "latency", query: { type: "file", metricName: "latency" } },
        { name: "errors", query: { type: "file", metricName: "errors" } },
      ],
    },
    scopes: {
      default: { baseline: { scope: "checkout-baseline" }, canary: { scope: "checkout-canary" } },
    },
    stages: [
      { name: "10%", trafficWeight: 10, duration: "PT10M", interval: "PT5M" },
      { name: "33%", trafficWeight: 33, duration: "PT10M", interval: "PT5M" },
    ],
    startTime: T0.toISOString(),
    ...overrides,
  };
}

export interface Scripted {
  /** Score per judgement index (last one repeats). */
  scores: number[];
  /** A decision per judgement index (sequential judge). */
  decisions?: (JudgeOutput["decision"] | undefined)[];
  /** Filled with the pairs each judgement received. */
  seen?: MetricSetPair[][];
  /** Filled with the previous judge state each judgement received. */
  states?: unknown[];
}

export function scriptedJudge(script: Scripted, thresholds = { pass: 95, marginal: 75 }): Judge {
  return {
    name: "scripted",
    judge(input) {
      const i = input.judgementIndex ?? 0;
      script.seen?.push(input.pairs);
      script.states?.push(input.previousState);
      const score = script.scores[Math.min(i, script.scores.length - 1)] ?? 100;
      const classification: SummaryClassification =
        score >= thresholds.pass ? "Pass" : score > thresholds.marginal ? "Marginal" : "Fail";
      const failing = score < thresholds.pass;
      const out: JudgeOutput = {
        result: {
          judgeName: "scripted",
          results: input.pairs.map((p) => ({
            name: p.name,
            tags: p.tags,
            groups: [],
            classification: failing && p.name === "latency" ? "High" : "Pass",
            critical: false,
            muted: false,
            experimentMetadata: { stats: { count: 0, mean: 0, min: 0, max: 0, std: 0 } },
            controlMetadata: { stats: { count: 0, mean: 0, min: 0, max: 0, std: 0 } },
            resultMetadata: { ratio: 1 },
          })),
          groupScores: [],
          score: { score, classification, classificationReason: "" },
        },
        state: { seen: i + 1, previous: input.previousState ?? null },
      };
      const decision = script.decisions?.[i];
      if (decision !== undefined) out.decision = decision;
      return out;
    },
  };
}

export interface FakeSource extends MetricSource {
  /** Clock times (ISO) of the fetches of the canary side, in order. */
  fetchedAt: string[];
  /** Windows fetched (canary side). */
  windows: { start: string; end: string }[];
}

/**
 * Series values for a window. `transientFailures: n` makes the first n attempts of the "latency" fetch
 * fail with a transient error (an attempt fetches baseline then canary; both see the same attempt number).
 */
export function fakeSource(
  app: () => LocalApp,
  opts: { transientFailures?: number; permanent?: boolean; alwaysDown?: boolean; withNaN?: boolean } = {},
): FakeSource {
  let latencyAttempts = 0;
  const fetchedAt: string[] = [];
  const windows: { start: string; end: string }[] = [];
  const error = (transient: boolean) =>
    new MetricSourceError({
      sourceType: "file",
      account: "fake",
      query: "q",
      sourceMessage: transient ? "503 Service Unavailable" : "400 bad query",
      transient,
      status: transient ? 503 : 400,
    });
  return {
    fetchedAt,
    windows,
    buildQuery: (r: MetricFetchRequest) => `${r.metric.name}{scope="${r.scope.scope}"}`,
    async fetch(r: MetricFetchRequest) {
      if (opts.alwaysDown) throw error(true);
      if (opts.permanent) throw error(false);
      if (r.metric.name === "latency" && r.scope.scope === "checkout-baseline") latencyAttempts += 1;
      if (r.metric.name === "latency" && latencyAttempts <= (opts.transientFailures ?? 0)) throw error(true);
      if (r.scope.scope === "checkout-canary" && r.metric.name === "latency") {
        fetchedAt.push(app().clock.now().toISOString());
        windows.push({ start: r.window.start, end: r.window.end });
      }
      const start = Date.parse(r.window.start);
      const values = Array.from({ length: 5 }, (_, i) => (opts.withNaN && i === 1 ? Number.NaN : 100 + i));
      return {
        query: `${r.metric.name}{scope="${r.scope.scope}"}`,
        sets: [
          { name: r.metric.name, tags: {}, timestamps: values.map((_, i) => start + i * 60_000), values },
        ],
      };
    },
  };
}

export interface Harness {
  app: LocalApp;
  source: FakeSource;
  events: { event: AnalysisEvent["event"]; message?: string; at: string }[];
}

export async function harness(
  script: Scripted,
  sourceOptions: Parameters<typeof fakeSource>[1] = {},
  trafficHook: TrafficHook = { setWeight: async () => {} },
  notifier: Notifier = { notify: async () => {} },
): Promise<Harness> {
  const events: Harness["events"] = [];
  const holder: { app?: LocalApp } = {};
  const source = fakeSource(() => holder.app!, sourceOptions);
  const app = await createLocalApp({
    env: { COALMINE_STORAGE_PREFIX: uniqueStoragePrefix("orch") },
    clock: "virtual",
    virtualStart: T0,
    storage: azuriteConnectionString(),
    overrides: {
      metricSources: () => source,
      judges: () => scriptedJudge(script),
      notifier,
      trafficHook,
    },
    onEvent: (_id, e) => {
      events.push({
        event: e.event,
        at: app.clock.now().toISOString(),
        ...(e.message ? { message: e.message } : {}),
      });
    },
  });
  holder.app = app;
  return { app, source, events };
}
