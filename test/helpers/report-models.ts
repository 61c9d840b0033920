// Report models for tests and benches: realistic series (seeded), judged by a stand-in result builder
// (buildModel) or by a real registered judge (judgedModel).
import type { AnalysisStatus, Verdict } from "../../src/analysis/analysis-status";
import type { CanaryJudgeResult, MetricResult, MetricSetPair } from "../../src/judge/types";
import type { ReportModel } from "../../src/report/report-model";
import { createRng } from "../../bench/sim/prng";
import { simulateKind } from "../../bench/sim/production-sim";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import { getJudge } from "../../src/judge/registry";

function stats(v: number[]) {
  const f = v.filter(Number.isFinite);
  const n = f.length;
  const mean = n ? f.reduce((a, b) => a + b, 0) / n : 0;
  const std = n > 1 ? Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { count: n, mean, min: n ? Math.min(...f) : 0, max: n ? Math.max(...f) : 0, std };
}

export interface MetricSpec {
  name: string;
  group: string;
  base: number;
  shift: number;
  classification: MetricResult["classification"];
}

export function buildModel(opts: {
  id: string;
  verdict: Verdict;
  score: number;
  metrics: MetricSpec[];
  points?: number;
  intervals?: number;
  seed?: number;
}): ReportModel {
  const rng = createRng(opts.seed ?? 7);
  const points = opts.points ?? 60;
  const start = Date.parse("2026-11-23T10:00:00Z");
  const nIntervals = opts.intervals ?? 2;
  const pairs: MetricSetPair[] = opts.metrics.map((m) => {
    const gen = (level: number) =>
      Array.from({ length: points }, () => Math.max(0, level * (1 + 0.05 * rng.normal())));
    return {
      name: m.name,
      tags: {},
      values: { control: gen(m.base), experiment: gen(m.base * (1 + m.shift)) },
      scopes: {
        control: { startTimeMillis: start, stepMillis: 60_000 },
        experiment: { startTimeMillis: start, stepMillis: 60_000 },
      },
      attributes: {
        control: { query: `avg(${m.name.replace(/\W/g, "_")}{scope="app-baseline"})` },
        experiment: { query: `avg(${m.name.replace(/\W/g, "_")}{scope="app-canary"})` },
      },
    };
  });
  const judge = (k: number): CanaryJudgeResult => ({
    judgeName: "NetflixACAJudge-v1.0",
    results: opts.metrics.map((m, i) => {
      const p = pairs[i]!;
      const est = m.base * m.shift * ((k + 1) / nIntervals);
      const width = (m.base * 0.08) / Math.sqrt(k + 1);
      return {
        name: m.name,
        tags: {},
        groups: [m.group],
        classification: k === nIntervals - 1 ? m.classification : "Pass",
        ...(m.classification !== "Pass" && k === nIntervals - 1
          ? { classificationReason: `${m.name} was classified as ${m.classification}` }
          : {}),
        critical: false,
        muted: false,
        direction: "increase",
        experimentMetadata: { stats: stats(p.values.experiment) },
        controlMetadata: { stats: stats(p.values.control) },
        resultMetadata: {
          ratio: 1 + m.shift,
          pValue: m.shift ? 1e-4 : 0.6,
          confidenceInterval: { lower: est - width, upper: est + width, level: 0.98 },
          estimate: est,
          effectSize: 1 + m.shift,
          effectSizeMeasure: "meanRatio",
        },
      };
    }),
    groupScores: [...new Set(opts.metrics.map((m) => m.group))].map((g) => ({
      name: g,
      score: opts.score,
      classification: "",
      classificationReason: "",
    })),
    score: {
      score: opts.score,
      classification: opts.verdict === "pass" ? "Pass" : opts.verdict === "marginal" ? "Marginal" : "Fail",
      classificationReason: "",
    },
  });
  const failed = opts.metrics.filter((m) => m.classification !== "Pass").map((m) => m.name);
  const intervals = Array.from({ length: nIntervals }, (_, k) => ({
    stage: k === 0 ? 0 : 1,
    interval: k === 0 ? 0 : k - 1,
    start: new Date(start).toISOString(),
    end: new Date(start + (k + 1) * 300_000).toISOString(),
    score: k === nIntervals - 1 ? opts.score : 100,
    classification: k === nIntervals - 1 ? judge(k).score.classification : "Pass",
    failedMetrics: k === nIntervals - 1 ? failed : [],
    judgeResult: judge(k),
  }));
  const state = opts.verdict === "pass" ? "passed" : opts.verdict === "fail" ? "failed" : "marginal";
  const status: AnalysisStatus = {
    id: opts.id,
    application: "checkout",
    state,
    verdict: opts.verdict,
    score: opts.score,
    reason: failed.length ? `${failed[0]} was classified as High` : "",
    judge: "NetflixACAJudge-v1.0",
    stage: { index: 1, name: "33%" },
    judgements: intervals.map(({ judgeResult: _j, ...rest }) => rest),
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T10:30:00.000Z",
    reportUrl: `/api/analyses/${opts.id}/report`,
  };
  return {
    status,
    thresholds: { pass: 95, marginal: 75 },
    stages: [
      { name: "10%", trafficWeight: 10 },
      { name: "33%", trafficWeight: 33 },
    ],
    intervals,
    finalPairs: pairs,
    groupOrder: [...new Set(opts.metrics.map((m) => m.group))],
    generatedAt: "2026-11-23T10:31:00.000Z",
  };
}

export const PASSING = () =>
  buildModel({
    id: "01PASS",
    verdict: "pass",
    score: 100,
    metrics: [
      { name: "p95 latency", group: "latency", base: 0.2, shift: 0.0, classification: "Pass" },
      { name: "5xx rate", group: "errors", base: 1, shift: 0.0, classification: "Pass" },
      { name: "cpu", group: "saturation", base: 0.5, shift: 0.01, classification: "Pass" },
    ],
  });
export const FAILING = () =>
  buildModel({
    id: "01FAIL",
    verdict: "fail",
    score: 33.33,
    metrics: [
      { name: "p95 latency", group: "latency", base: 0.2, shift: 0.4, classification: "High" },
      { name: "5xx rate", group: "errors", base: 1, shift: 1.5, classification: "High" },
      { name: "cpu", group: "saturation", base: 0.5, shift: 0.0, classification: "Pass" },
    ],
  });
export const MARGINAL = () =>
  buildModel({
    id: "01MARG",
    verdict: "marginal",
    score: 80,
    metrics: [
      { name: "p95 latency", group: "latency", base: 0.2, shift: 0.1, classification: "High" },
      { name: "5xx rate", group: "errors", base: 1, shift: 0.0, classification: "Pass" },
      { name: "cpu", group: "saturation", base: 0.5, shift: 0.0, classification: "Pass" },
      { name: "memory", group: "saturation", base: 300, shift: 0.0, classification: "Pass" },
      { name: "p50 latency", group: "latency", base: 0.1, shift: 0.0, classification: "Pass" },
    ],
  });
export const HUNDRED_METRICS = () =>
  buildModel({
    id: "01HUND",
    verdict: "pass",
    score: 99,
    points: 1000,
    intervals: 6,
    metrics: Array.from({ length: 100 }, (_, i) => ({
      name: `metric ${i}`,
      group: `group ${i % 5}`,
      base: 1 + i,
      shift: i % 17 === 0 ? 0.2 : 0,
      classification: i % 17 === 0 ? "High" : "Pass",
    })),
  });

/**
 * A report model from the real output of a registered judge: two stages of production-like series
 * (bench/sim/production-sim) judged every 10 minutes the way the orchestrator calls judges, with a
 * p95 latency that is 48 % higher in the canary and a CPU that is not.
 */
export function judgedModel(judgeName: string, seed = 5): ReportModel {
  const judge = getJudge(judgeName);
  const start = Date.parse("2026-11-23T10:00:00Z");
  const stages = [
    { name: "10%", minutes: 30 },
    { name: "33%", minutes: 60 },
  ];
  const total = stages.reduce((a, s) => a + s.minutes, 0);
  const series = {
    "p95 latency": simulateKind("latency", { type: "level", factor: 1.48, fromMinute: 0 }, total, seed),
    cpu: simulateKind("cpu", { type: "none" }, total, seed + 1),
  };
  const config: CanaryConfig = {
    name: "checkout",
    metrics: Object.keys(series).map((name) => ({
      name,
      query: { type: "prometheus" as const, metricName: name.replace(/ /g, "_") },
      groups: [name === "cpu" ? "saturation" : "latency"],
      analysisConfigurations: { canary: { direction: "increase" as const } },
    })),
    classifier: { groupWeights: { latency: 50, saturation: 50 } },
  };
  const intervals: ReportModel["intervals"] = [];
  let state: unknown;
  let from = 0;
  let pairs: MetricSetPair[] = [];
  for (const [si, stage] of stages.entries()) {
    for (let i = 0; i < stage.minutes / 10; i++) {
      const to = from + (i + 1) * 10;
      const scope = { startTimeMillis: start + from * 60_000, stepMillis: 60_000 };
      pairs = Object.entries(series).map(([name, arms]) => ({
        name,
        tags: {},
        values: { control: arms.baseline.slice(from, to), experiment: arms.canary.slice(from, to) },
        scopes: { control: scope, experiment: scope },
      }));
      const out = judge.judge({
        config,
        thresholds: { pass: 95, marginal: 75 },
        pairs,
        judgementIndex: intervals.length,
        ...(state === undefined ? {} : { previousState: state }),
        stage: {
          index: si,
          count: stages.length,
          interval: i,
          intervals: stage.minutes / 10,
          totalIntervals: 9,
        },
      });
      state = out.state;
      intervals.push({
        stage: si,
        interval: i,
        start: new Date(start + from * 60_000).toISOString(),
        end: new Date(start + to * 60_000).toISOString(),
        score: out.result.score.score,
        classification: out.result.score.classification,
        failedMetrics: out.result.results.filter((r) => r.classification !== "Pass").map((r) => r.name),
        judgeResult: out.result,
      });
    }
    from += stage.minutes;
  }
  const last = intervals.at(-1)!;
  const verdict: Verdict =
    last.classification === "Pass" ? "pass" : last.classification === "Marginal" ? "marginal" : "fail";
  const status: AnalysisStatus = {
    id: `01JUDGED${judgeName.length}`,
    application: "checkout",
    state: verdict === "pass" ? "passed" : verdict === "fail" ? "failed" : "marginal",
    verdict,
    score: last.score,
    reason: last.judgeResult?.score.classificationReason ?? "",
    judge: judgeName,
    stage: { index: 1, name: "33%" },
    judgements: intervals.map(({ judgeResult: _j, ...rest }) => rest),
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T11:30:00.000Z",
    reportUrl: "/api/analyses/01JUDGED/report",
  };
  return {
    status,
    thresholds: { pass: 95, marginal: 75 },
    stages: [
      { name: "10%", trafficWeight: 10 },
      { name: "33%", trafficWeight: 33 },
    ],
    intervals,
    finalPairs: pairs,
    groupOrder: ["latency", "saturation"],
    generatedAt: "2026-11-23T11:31:00.000Z",
  };
}
