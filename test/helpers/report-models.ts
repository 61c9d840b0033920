// Report models for tests and benches: realistic series (seeded), judged by a simple stand-in result builder.
import type { AnalysisStatus, Verdict } from "../../src/analysis/analysis-status";
import type { CanaryJudgeResult, MetricResult, MetricSetPair } from "../../src/judge/types";
import type { ReportModel } from "../../src/report/report-model";
import { createRng } from "../../bench/sim/prng";

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
