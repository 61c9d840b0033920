// coalmine-sequential-v1: decisions, state across judgements, result shape.
import { describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { getJudge } from "../../src/judge/registry";
import {
  sequentialJudge,
  SEQUENTIAL_JUDGE_NAME,
  type SequentialState,
} from "../../src/judge/sequential/sequential-judge";
import { metricKind } from "../../src/judge/sequential/series";
import type { JudgeOutput, MetricSetPair } from "../../src/judge/types";

const thresholds = { pass: 95, marginal: 75 };

function metric(
  name: string,
  extra: Partial<MetricConfig> = {},
  kind?: "count" | "continuous",
): MetricConfig {
  return {
    name,
    query: { type: "prometheus", metricName: name.replace(/ /g, "_") },
    groups: ["g"],
    ...extra,
    analysisConfigurations: {
      ...extra.analysisConfigurations,
      ...(kind ? { coalmine: { kind, ...extra.analysisConfigurations?.coalmine } } : {}),
    },
  };
}

/** Deterministic noise (LCG) so the tests need no seeded library. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

interface Arms {
  baseline: number[];
  canary: number[];
}

function latencyArms(minutes: number, canaryFactor: number, seed: number): Arms {
  const r = noise(seed);
  const baseline: number[] = [];
  const canary: number[] = [];
  for (let t = 0; t < minutes; t++) {
    const shared = 0.1 * (1 + 0.2 * Math.sin(t / 15));
    baseline.push(shared * Math.exp(0.04 * r()));
    canary.push(shared * canaryFactor * Math.exp(0.04 * r()));
  }
  return { baseline, canary };
}

function pair(name: string, arms: Arms, from: number, to: number, withScopes = true): MetricSetPair {
  const scope = { startTimeMillis: 1_700_000_000_000 + from * 60_000, stepMillis: 60_000 };
  return {
    name,
    tags: {},
    values: { control: arms.baseline.slice(from, to), experiment: arms.canary.slice(from, to) },
    ...(withScopes ? { scopes: { control: scope, experiment: scope } } : {}),
  };
}

/** Judges a growing window every `every` minutes until a fail/pass decision or the end. */
function run(
  config: CanaryConfig,
  series: Record<string, Arms>,
  minutes: number,
  every = 5,
  opts: { withScopes?: boolean; trafficRatio?: number } = {},
): { outputs: JudgeOutput[]; stoppedAt: number } {
  const outputs: JudgeOutput[] = [];
  let state: unknown;
  for (let end = every, i = 0; end <= minutes; end += every, i++) {
    const out = sequentialJudge.judge({
      config,
      thresholds,
      pairs: Object.entries(series).map(([name, arms]) => pair(name, arms, 0, end, opts.withScopes ?? true)),
      previousState: state,
      judgementIndex: i,
      trafficRatio: opts.trafficRatio ?? 1,
    });
    // The state must survive a JSON round trip (it is stored between activity calls).
    state = JSON.parse(JSON.stringify(out.state)) as unknown;
    outputs.push(out);
    if (out.decision === "fail" || out.decision === "pass") return { outputs, stoppedAt: end };
  }
  return { outputs, stoppedAt: minutes };
}

describe("coalmine-sequential-v1", () => {
  it("is registered under its name", () => {
    expect(getJudge(SEQUENTIAL_JUDGE_NAME).name).toBe("coalmine-sequential-v1");
  });

  it("fails early on a 20 % latency increase, with the running bound in resultMetadata", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [
        metric("latency", { analysisConfigurations: { canary: { direction: "increase" } } }, "continuous"),
      ],
    };
    const { outputs, stoppedAt } = run(config, { latency: latencyArms(120, 1.2, 1) }, 120);
    const last = outputs[outputs.length - 1];
    expect(last?.decision).toBe("fail");
    expect(stoppedAt).toBeLessThanOrEqual(40);
    const r = last?.result.results[0];
    expect(r?.classification).toBe("High");
    expect(r?.classificationReason).toMatch(/^latency was classified as High \(mean log-ratio test/);
    expect(last?.result.score).toEqual({
      score: 0,
      classification: "Fail",
      classificationReason: `Canary Failed: ${r?.classificationReason ?? ""}`,
    });
    const meta = r?.resultMetadata;
    expect(meta?.confidenceInterval?.lower).toBeGreaterThan(1.01);
    expect(meta?.confidenceInterval?.upper).toBeGreaterThan(meta?.confidenceInterval?.lower ?? Infinity);
    expect(meta?.pValue).toBeLessThanOrEqual(0.01);
    expect(meta?.sequential).toMatchObject({
      kind: "continuous",
      decision: "fail",
      tolerance: 0.01,
      alpha: 0.01,
    });
    expect(Number(meta?.sequential?.eValue)).toBeGreaterThanOrEqual(100);
  });

  it("does not fail identical-in-distribution arms, and passes once the bound is inside a wide tolerance", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [
        metric(
          "latency",
          { analysisConfigurations: { canary: { direction: "increase" }, coalmine: { tolerance: 0.1 } } },
          "continuous",
        ),
      ],
    };
    const { outputs } = run(config, { latency: latencyArms(180, 1, 7) }, 180);
    expect(outputs.every((o) => o.decision !== "fail")).toBe(true);
    expect(outputs[outputs.length - 1]?.decision).toBe("pass");
    expect(outputs[outputs.length - 1]?.result.results[0]?.classification).toBe("Pass");
  });

  it("catches sparse errors on a zero baseline (counts, critical)", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [
        metric("errors", { analysisConfigurations: { canary: { direction: "increase", critical: true } } }),
      ],
    };
    const canary = Array.from({ length: 60 }, (_, t) => (t % 3 === 0 ? 2 : t % 3 === 1 ? 1 : 0));
    const { outputs, stoppedAt } = run(
      config,
      { errors: { baseline: Array<number>(60).fill(0), canary } },
      60,
    );
    const last = outputs[outputs.length - 1];
    expect(last?.decision).toBe("fail");
    expect(stoppedAt).toBeLessThanOrEqual(20);
    expect(last?.result.results[0]).toMatchObject({ classification: "High", critical: true });
    expect(last?.result.results[0]?.resultMetadata.sequential).toMatchObject({
      kind: "count",
      test: "rate ratio",
    });
  });

  it("reads each instant once from growing windows, with or without scopes", () => {
    const config: CanaryConfig = { name: "c", metrics: [metric("errors", {}, "count")] };
    const arms = { baseline: Array<number>(30).fill(5), canary: Array<number>(30).fill(5) };
    for (const withScopes of [true, false]) {
      const { outputs } = run(config, { errors: arms }, 30, 10, { withScopes });
      const state = outputs[outputs.length - 1]?.state as SequentialState;
      expect(state.series.errors?.observed).toBe(30);
      expect(state.series.errors?.count?.segments[0]).toMatchObject({ nc: 150, nb: 150, steps: 30 });
    }
  });

  it("tests counts against the traffic share", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [metric("requests", { analysisConfigurations: { canary: { direction: "either" } } }, "count")],
    };
    // The canary gets a quarter of the baseline's traffic and a quarter of its requests: no change.
    const arms = { baseline: Array<number>(60).fill(4000), canary: Array<number>(60).fill(1000) };
    const fair = run(config, { requests: arms }, 60, 10, { trafficRatio: 0.25 });
    expect(fair.outputs.every((o) => o.decision !== "fail")).toBe(true);
    const unfair = run(config, { requests: arms }, 60, 10, { trafficRatio: 1 });
    expect(unfair.outputs[unfair.outputs.length - 1]?.result.results[0]?.classification).toBe("Low");
  });

  it("classifies a decrease as Low when the direction is decrease, and ignores it when increase", () => {
    const down = latencyArms(90, 0.8, 3);
    const mk = (direction: "increase" | "decrease"): CanaryConfig => ({
      name: "c",
      metrics: [metric("throughput", { analysisConfigurations: { canary: { direction } } }, "continuous")],
    });
    const dec = run(mk("decrease"), { throughput: down }, 90);
    expect(dec.outputs[dec.outputs.length - 1]?.result.results[0]?.classification).toBe("Low");
    const inc = run(mk("increase"), { throughput: down }, 90);
    expect(inc.outputs.every((o) => o.decision !== "fail")).toBe(true);
  });

  it("does not fail on a muted metric's regression", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [
        metric("latency", { analysisConfigurations: { canary: { muted: true } } }, "continuous"),
        metric("cpu", {}, "continuous"),
      ],
    };
    const { outputs } = run(config, { latency: latencyArms(60, 1.5, 4), cpu: latencyArms(60, 1, 5) }, 60);
    expect(outputs.every((o) => o.decision !== "fail")).toBe(true);
    expect(outputs[outputs.length - 1]?.result.results[0]?.classification).toBe("High");
  });

  it("fails like Kayenta when the canary has no data (Nodata ≥ 50 %)", () => {
    const config: CanaryConfig = { name: "c", metrics: [metric("latency", {}, "continuous")] };
    const arms = { baseline: [0.1, 0.11, 0.12], canary: [NaN, NaN, NaN] };
    const out = sequentialJudge.judge({ config, thresholds, pairs: [pair("latency", arms, 0, 3)] });
    expect(out.decision).toBe("fail");
    expect(out.result.results[0]).toMatchObject({
      classification: "Nodata",
      classificationReason: "Missing data for latency",
    });
    expect(out.result.score).toEqual({
      score: 0,
      classification: "Fail",
      classificationReason: "Canary Failed: 50% or more metrics returned NODATA",
    });
  });

  it("keeps its state small over a three-hour canary judged every minute", () => {
    const config: CanaryConfig = {
      name: "c",
      metrics: [metric("latency", {}, "continuous"), metric("errors", {}, "count")],
    };
    const lat = latencyArms(180, 1, 9);
    const errs = {
      baseline: lat.baseline.map((x) => Math.round(x * 50)),
      canary: lat.canary.map((x) => Math.round(x * 50)),
    };
    const { outputs } = run(config, { latency: lat, errors: errs }, 180, 1);
    expect(outputs).toHaveLength(180);
    expect(JSON.stringify(outputs[179]?.state).length).toBeLessThan(1500);
  });

  it("splits α across metrics and takes the total from judgeConfigurations", () => {
    const config: CanaryConfig = {
      name: "c",
      judge: { name: SEQUENTIAL_JUDGE_NAME, judgeConfigurations: { alpha: 0.05 } },
      metrics: [
        metric("a", {}, "continuous"),
        metric("b", { analysisConfigurations: { coalmine: { alphaWeight: 3 } } }, "continuous"),
      ],
    };
    const arms = latencyArms(10, 1, 11);
    const out = sequentialJudge.judge({
      config,
      thresholds,
      pairs: [pair("a", arms, 0, 10), pair("b", arms, 0, 10)],
    });
    const alphas = out.result.results.map((r) => Number(r.resultMetadata.sequential?.alpha));
    expect(alphas[0]).toBeCloseTo(0.0125, 12);
    expect(alphas[1]).toBeCloseTo(0.0375, 12);
  });

  it("guesses the kind from the metric name when it is not configured", () => {
    expect(metricKind(metric("http errors"))).toBe("count");
    expect(
      metricKind(metric("x", { query: { type: "prometheus", metricName: "http_requests_total" } })),
    ).toBe("count");
    expect(metricKind(metric("p99 latency"))).toBe("continuous");
    expect(metricKind(metric("error ratio"))).toBe("continuous");
    expect(metricKind(metric("cpu"))).toBe("continuous");
  });
});
