// The `POST /api/judge` body and Kayenta's MetricSetPair list: parsing ("NaN" strings) and problems with JSON paths.
import { describe, expect, it } from "vitest";
import { judgeRequest, MetricSetPairListSchema, parseMetricSetPairs } from "../../src/judge/judge-request";
import { parseWithProblems } from "../../src/config/problems";

const canaryConfig = {
  name: "golden",
  judge: { name: "NetflixACAJudge-v1.0", judgeConfigurations: {} },
  metrics: [
    { name: "latency", groups: ["latency"], query: { type: "prometheus", metricName: "lat" } },
    { name: "errors", groups: ["errors"], query: { type: "prometheus", metricName: "err" } },
  ],
  classifier: { groupWeights: { latency: 50, errors: 50 } },
};
const seq = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

describe("MetricSetPair list", () => {
  it("accepts Kayenta's JSON, with Jackson's non-finite strings, tags defaulting to {}", () => {
    const parsed = MetricSetPairListSchema.parse([
      {
        name: "m",
        id: "x",
        values: { control: [1, "NaN", "Infinity"], experiment: ["-Infinity", 2] },
        scopes: {},
      },
    ]);
    expect(parsed[0]!.values.control).toEqual([1, NaN, Infinity]);
    expect(parsed[0]!.values.experiment).toEqual([-Infinity, 2]);
    expect(parsed[0]!.tags).toEqual({});
  });
});

describe("metric values, checked as arrays in one loop", () => {
  it("keeps an all-finite array as it is and copies only to restore non-finite strings", () => {
    const control = [1, 2.5, -3];
    const experiment = [1, "NaN"];
    const [pair] = MetricSetPairListSchema.parse([{ name: "m", values: { control, experiment } }]);
    expect(pair!.values.control).toBe(control);
    expect(pair!.values.experiment).toEqual([1, NaN]);
    expect(experiment).toEqual([1, "NaN"]);
  });

  it("names every bad element and a value that is not an array", () => {
    const parsed = parseWithProblems(MetricSetPairListSchema, [
      { name: "m", values: { control: { 0: 1 }, experiment: [true, 1, "nan", "Infinity", NaN] } },
    ]);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual([
      "$[0].values.control",
      "$[0].values.experiment[0]",
      "$[0].values.experiment[2]",
      "$[0].values.experiment[4]",
    ]);
  });
});

describe("parseMetricSetPairs: the hand check of common pairs, else the schema", () => {
  let seed = 11;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  /** A value that is valid most of the time, else one of the ways a field goes wrong. */
  const maybe = (valid: () => unknown, wrong: readonly unknown[]): unknown =>
    random() < 0.85 ? valid() : pick(wrong);
  const series = () =>
    maybe(
      () =>
        Array.from({ length: Math.floor(random() * 5) }, () =>
          random() < 0.9 ? random() * 10 - 5 : pick(["NaN", "Infinity", "-Infinity", 0]),
        ),
      [[1, "nan"], [true], { 0: 1 }, null, "1,2", [1, null], [Infinity]],
    );
  const pair = (): unknown => {
    const p: Record<string, unknown> = {};
    if (random() < 0.97) p.name = maybe(() => pick(["latency", "errors", "m"]), ["", 3, null]);
    if (random() < 0.3) p.id = maybe(() => "id-1", [7, null]);
    if (random() < 0.6)
      p.tags = maybe(() => ({ region: pick(["eu", "us"]), copy: "1" }), [{ a: 1 }, ["x"], null, "t"]);
    if (random() < 0.97)
      p.values = maybe(
        () => ({ control: series(), experiment: series(), ...(random() < 0.1 ? { extra: 1 } : {}) }),
        [null, [], { control: [1] }],
      );
    if (random() < 0.05)
      p.scopes = pick([{}, { control: { stepMillis: 1000 } }, { control: { stepMillis: "x" } }]);
    if (random() < 0.05) p.attributes = pick([{}, { control: { a: "b" } }, { control: { a: 1 } }]);
    if (random() < 0.1) p.scopeName = "default";
    return maybe(() => p, [null, 5, "pair", [p]]);
  };

  it("gives what the schema gives, value or problems, on valid and broken lists", () => {
    let valid = 0;
    for (let i = 0; i < 2000; i++) {
      const input =
        random() < 0.03 ? pick([null, {}, "[]", 3]) : Array.from({ length: Math.floor(random() * 4) }, pair);
      const expected = parseWithProblems(MetricSetPairListSchema, input);
      if (expected.ok) valid++;
      expect(parseMetricSetPairs(input)).toStrictEqual(expected);
    }
    // Both branches were exercised.
    expect(valid).toBeGreaterThan(200);
    expect(valid).toBeLessThan(1800);
  });

  it("keeps the series it was given (no copy) and copies the tags", () => {
    const control = [1, 2];
    const tags = { region: "eu" };
    const parsed = parseMetricSetPairs([{ name: "m", tags, values: { control, experiment: [3] } }]);
    expect(parsed.ok && parsed.value[0]!.values.control).toBe(control);
    expect(parsed.ok && parsed.value[0]!.tags).not.toBe(tags);
  });
});

describe("judgeRequest", () => {
  it("judges a valid body", () => {
    const out = judgeRequest({
      canaryConfig,
      thresholds: { pass: 95, marginal: 75 },
      metricSetPairs: [
        { name: "latency", tags: {}, values: { control: seq(60, 0), experiment: seq(60, 100) } },
        { name: "errors", tags: {}, values: { control: [0, 0, "NaN"], experiment: [0, 0, 0] } },
      ],
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.result.judgeName).toBe("NetflixACAJudge-v1.0");
    expect(out.result.results.map((r) => r.classification)).toEqual(["High", "Pass"]);
    expect(out.result.score).toEqual({ score: 50, classification: "Fail", classificationReason: "" });
    expect(out.result.groupScores).toEqual([
      { name: "latency", score: 0, classification: "", classificationReason: "" },
      { name: "errors", score: 100, classification: "", classificationReason: "" },
    ]);
  });

  it("reports every problem with its path", () => {
    const out = judgeRequest({
      canaryConfig,
      thresholds: { pass: 95, marginal: 75 },
      metricSetPairs: [
        { name: "latency", values: { control: [1, "abc"], experiment: [1, null] } },
        { name: "latency", values: { control: [1] } },
      ],
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems).toMatchInlineSnapshot(`
      [
        {
          "message": "must be a number or one of "NaN", "Infinity", "-Infinity"",
          "path": "$.metricSetPairs[0].values.control[1]",
        },
        {
          "message": "must be a number or one of "NaN", "Infinity", "-Infinity"",
          "path": "$.metricSetPairs[0].values.experiment[1]",
        },
        {
          "message": "is required",
          "path": "$.metricSetPairs[1].values.experiment",
        },
      ]
    `);
  });

  it("a pair whose metric is not in the config is a problem, not an exception", () => {
    const out = judgeRequest({
      canaryConfig,
      thresholds: { pass: 75, marginal: 95 },
      judge: "dredd-v1.0",
      metricSetPairs: [
        { name: "latency", tags: {}, values: { control: [1], experiment: [1] } },
        { name: "cpu", tags: {}, values: { control: [1], experiment: [1] } },
      ],
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems.slice(0, 2)).toMatchInlineSnapshot(`
      [
        {
          "message": "no metric named 'cpu' in the canary config (metrics: 'latency', 'errors')",
          "path": "$.metricSetPairs[1].name",
        },
        {
          "message": "marginal (95) must not exceed pass (75)",
          "path": "$.thresholds.marginal",
        },
      ]
    `);
    expect(out.problems[2]).toEqual({
      path: "$.judge",
      message: expect.stringMatching(/^unknown judge 'dredd-v1\.0' \(known: NetflixACAJudge-v1\.0/),
    });
    expect(out.problems).toHaveLength(3);
  });

  it("rejects a body that is not an object, and unknown keys", () => {
    const notObject = judgeRequest("nope");
    expect(notObject.ok).toBe(false);
    const unknown = judgeRequest({
      canaryConfig,
      thresholds: { pass: 95, marginal: 75 },
      metricSetPairs: [],
      scoreThresholds: {},
    });
    expect(unknown.ok ? [] : unknown.problems.map((p) => p.path)).toEqual(["$.scoreThresholds"]);
  });
});
