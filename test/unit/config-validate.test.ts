import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import { detectDocument, validateDocument } from "../../src/config/detect-document";
import type { ValidationResult } from "../../src/config/problems";
import { resolveRequestDefaults } from "../../src/config/request-defaults";
import {
  validateAnalysisRequest,
  validateCanaryConfig,
  validateKayentaExecutionRequest,
} from "../../src/config/validate";

const dir = join(__dirname, "..", "fixtures", "configs");
const load = (kind: "valid" | "invalid", file: string): unknown =>
  JSON.parse(readFileSync(join(dir, kind, file), "utf8"));
const files = (kind: "valid" | "invalid") =>
  readdirSync(join(dir, kind))
    .filter((f) => f.endsWith(".json"))
    .sort();
const lines = (r: ValidationResult<unknown>) =>
  r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);

/** Every invalid fixture and the paths its problems must name (the messages are snapshotted). */
const INVALID: Record<string, string[]> = {
  "config-bad-values.json": [
    "$.metrics[0].query.type",
    "$.metrics[1].query.type",
    "$.metrics[1].analysisConfigurations.canary.direction",
    "$.metrics[1].analysisConfigurations.canary.outliers.outlierFactor",
  ],
  "config-deprecated-and-typos.json": [
    "$.metrics[0].query.customFilter",
    "$.metrics[0].analysisConfigurations.kanary",
    // customInlineTemplate: null is absent, as in Kayenta; the metric then lacks metricName.
    "$.metrics[1].query.metricName",
    "$.templates.broken",
  ],
  "config-unknown-group-and-thresholds.json": [
    "$.classifier.groupWeights.latncy",
    "$.metrics[1].groups[0]",
    "$.classifier.scoreThresholds.marginal",
  ],
  "config-weights-sum-90.json": ["$.classifier.groupWeights"],
  "kayenta-body-scope-mismatch.json": [
    "$.canaryConfig.classifier.groupWeights",
    "$.canaryConfig.metrics[0].scopeName",
    "$.canaryConfig.metrics[1].scopeName",
  ],
  "kayenta-body-unbound-location.json": ["$.executionRequest.scopes[0]"],
  "kayenta-misspelled-lookback.json": ["$.scopes[0].controlOfsetInMinutes", "$.lookBackMins"],
  "kayenta-no-lifetime.json": [
    "$.thresholds.marginal",
    "$.lifetimeDurationMins",
    "$.scopes[1].step",
    "$.scopes[1].scopeName",
  ],
  "request-bad-durations.json": ["$.stages[0].interval", "$.stages[1].duration", "$.stages[1].lookback"],
  "request-config-and-name.json": ["$.canaryConfigName", "$.endTime", "$.onMarginal.timeout"],
  "request-config-rules.json": [
    "$.canaryConfig.metrics[1].name",
    "$.canaryConfig.metrics[0].query.customFilterTemplate",
    "$.canaryConfig.metrics[1].query.metricName",
  ],
  "request-every-problem-at-once.json": [
    "$.canaryConfig.metrics[0].analysisConfigurations.canary.nanStrategy",
    "$.stages[0].intervall",
    "$.thresholds.marginal",
    "$.canaryConfig.classifier.groupWeights",
    "$.canaryConfig.metrics[0].scopeName",
  ],
  "request-marginal-above-pass.json": ["$.thresholds.marginal"],
  "request-misspelled-keys.json": ["$.stages[1].lookBack", "$.onMarginal.timout"],
  "request-scope-name-without-scope.json": ["$.canaryConfig.metrics[1].scopeName"],
  "request-unresolved-template-variable.json": ["$.scopes.default.baseline", "$.scopes.default.canary"],
  "request-weights-sum-90.json": ["$.canaryConfig.classifier.groupWeights"],
  "unknown-document.json": ["$"],
};

describe("valid fixtures validate unchanged", () => {
  it.each(files("valid"))("%s", (file) => {
    const doc = load("valid", file);
    const v = validateDocument(doc);
    expect(lines(v.result)).toEqual([]);
    expect(v.result.ok).toBe(true);
    expect(v.kind).toBeDefined();
  });
});

describe("invalid fixtures: every problem with its path", () => {
  it("the table lists every invalid fixture", () => {
    expect(Object.keys(INVALID).sort()).toEqual(files("invalid"));
  });
  it.each(Object.entries(INVALID))("%s", (file, paths) => {
    const v = validateDocument(load("invalid", file));
    expect(v.result.ok).toBe(false);
    const problems = v.result.ok ? [] : v.result.problems;
    expect(problems.map((p) => p.path)).toEqual(paths);
    expect(lines(v.result)).toMatchSnapshot();
  });
});

describe("document detection", () => {
  it.each([
    ["kayenta-golden-signals.config.json", "canary-config"],
    ["native-request.json", "analysis-request"],
    ["kayenta-execution-request.json", "kayenta-execution-request"],
    ["kayenta-standalone-body.json", "kayenta-standalone-body"],
  ])("%s is a %s", (file, kind) => {
    expect(detectDocument(load("valid", file))).toBe(kind);
  });
  it.each([null, [], "text", 3])("%j is nothing", (doc) => {
    expect(detectDocument(doc)).toBeUndefined();
  });
});

describe("Done when (issue 2)", () => {
  it("accepts a Kayenta config with a PromQL customInlineTemplate using ${location}, nanStrategy replace, direction increase, one group weighted 100", () => {
    const r = validateCanaryConfig(load("valid", "promql-location.config.json"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.value.metrics[0];
    expect(m?.query).toMatchObject({
      customInlineTemplate: expect.stringMatching(/^PromQL:.*\$\{location\}/),
    });
    expect(m?.analysisConfigurations?.canary).toEqual({ direction: "increase", nanStrategy: "replace" });
    expect(r.value.classifier?.groupWeights).toEqual({ latency: 100 });
  });

  const request = () => load("valid", "native-request.json") as Record<string, any>;
  it("rejects a misspelled key with its path and the key meant", () => {
    const doc = request();
    doc.stages[0].intervl = doc.stages[0].interval;
    delete doc.stages[0].interval;
    const r = validateAnalysisRequest(doc);
    expect(lines(r)).toEqual(["$.stages[0].intervl: unknown key 'intervl': did you mean 'interval'?"]);
  });
  it("rejects weights summing to 90", () => {
    const doc = request();
    doc.canaryConfig.classifier.groupWeights = { errors: 50, latency: 40 };
    expect(lines(validateAnalysisRequest(doc))).toEqual([
      "$.canaryConfig.classifier.groupWeights: group weights sum to 90; they must sum to 100",
    ]);
  });
  it("rejects marginal > pass", () => {
    const doc = request();
    doc.thresholds = { pass: 70, marginal: 80 };
    expect(lines(validateAnalysisRequest(doc))).toEqual([
      "$.thresholds.marginal: marginal (80) must not exceed pass (70)",
    ]);
  });
  it("rejects a metric whose scopeName has no scope", () => {
    const doc = request();
    doc.canaryConfig.metrics[0].scopeName = "defualt";
    expect(lines(validateAnalysisRequest(doc))).toEqual([
      "$.canaryConfig.metrics[0].scopeName: scope 'defualt' is not among the request's scopes: did you mean 'default'?",
    ]);
  });
  it("rejects Kayenta's lookBackMins with a suggestion", () => {
    const doc = load("valid", "kayenta-execution-request.json") as Record<string, unknown>;
    doc["lookBackMins"] = 10;
    expect(lines(validateKayentaExecutionRequest(doc))).toEqual([
      "$.lookBackMins: unknown key 'lookBackMins': did you mean 'lookbackMins'?",
    ]);
  });
});

describe("cross-field rules", () => {
  const base = () => load("valid", "native-request.json") as Record<string, any>;
  const check = (mutate: (d: Record<string, any>) => void, opts?: { storedConfig?: CanaryConfig }) => {
    const d = base();
    mutate(d);
    return lines(validateAnalysisRequest(d, opts));
  };
  it.each<[string, (d: Record<string, any>) => void, string[]]>([
    [
      "neither config nor name",
      (d) => delete d.canaryConfig,
      ["$: one of canaryConfig (inline) or canaryConfigName (stored) is required"],
    ],
    [
      "a metric without scopeName uses 'default'",
      (d) => (d.scopes = { east: d.scopes.default }),
      [
        "$.canaryConfig.metrics[0]: the metric's scope (default) 'default' is not among the request's scopes (scopes: 'east')",
        "$.canaryConfig.metrics[1]: the metric's scope (default) 'default' is not among the request's scopes (scopes: 'east')",
      ],
    ],
    [
      "lookback longer than the stage",
      (d) => (d.stages[1].lookback = "PT30M"),
      ["$.stages[1].lookback: PT30M is longer than the stage (PT20M); windows would start before the stage"],
    ],
    [
      "zero interval",
      (d) => (d.stages[0].interval = "PT0S"),
      ["$.stages[0].interval: must be longer than zero"],
    ],
    [
      "stages longer than start→end",
      (d) => (d.endTime = "2026-11-23T10:20:00Z"),
      ["$.endTime: the stages need PT31M but startTime to endTime spans PT20M"],
    ],
    [
      "a ${var} with a default needs no binding",
      (d) => {
        d.canaryConfig.templates["by-scope"] = 'app="${scope}",env="${env:-prod}"';
      },
      [],
    ],
    [
      "an extendedScopeParams key satisfies a template variable",
      (d) => {
        d.canaryConfig.templates["by-scope"] = 'app="${scope}",cluster="${cluster}"';
        d.scopes.default.baseline.extendedScopeParams.cluster = "a";
        d.scopes.default.canary.extendedScopeParams.cluster = "a";
      },
      [],
    ],
    [
      "a schema problem does not hide the cross-field ones",
      (d) => {
        d.stages[0].trafficWeight = 120;
        d.thresholds.marginal = 99;
      },
      [
        "$.stages[0].trafficWeight: must be at most 100",
        "$.thresholds.marginal: marginal (99) must not exceed pass (95)",
      ],
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(check(mutate)).toEqual(expected);
  });

  it("checks a request naming a stored config against that config", () => {
    const stored = base().canaryConfig as CanaryConfig;
    const d = load("valid", "native-request-stored-config.json");
    expect(validateAnalysisRequest(d).ok).toBe(true);
    expect(
      lines(
        validateAnalysisRequest(d, {
          storedConfig: { ...stored, metrics: [{ ...stored.metrics[0]!, scopeName: "west" }] },
        }),
      ),
    ).toEqual(["$.scopes: no scope 'west' for metric '5xx rate' of the stored config (scopes: 'default')"]);
  });
});

describe("resolveRequestDefaults", () => {
  it("fills thresholds, judge, interval, step, ingestion lag, on-marginal and mode", () => {
    const r = validateAnalysisRequest(load("valid", "native-request-stored-config.json"));
    if (!r.ok) throw new Error("fixture should be valid");
    expect(resolveRequestDefaults(r.value)).toEqual({
      application: "checkout",
      canaryConfigName: "checkout-golden",
      scopes: {
        default: {
          baseline: { scope: "checkout-baseline" },
          canary: { scope: "checkout-canary" },
          step: "PT1M",
        },
      },
      stages: [{ duration: "PT30M", interval: "PT10M" }],
      thresholds: { pass: 95, marginal: 75 },
      judge: "coalmine-sequential-v1",
      ingestionLag: "PT30S",
      onMarginal: { action: "fail" },
      mode: "native",
    });
  });
  it("takes the judge from the config, the interval from the duration, and a decision timeout", () => {
    const doc = load("valid", "native-request.json") as Record<string, any>;
    delete doc.judge;
    doc.canaryConfig.judge.name = "coalmine-sequential";
    delete doc.stages[0].interval;
    delete doc.onMarginal.timeout;
    const r = validateAnalysisRequest(doc);
    if (!r.ok) throw new Error(lines(r).join("\n"));
    const resolved = resolveRequestDefaults(r.value);
    expect(resolved.judge).toBe("coalmine-sequential");
    expect(resolved.stages[0]?.interval).toBe("PT10M");
    expect(resolved.onMarginal).toEqual({ action: "await-decision", timeout: "PT30M" });
  });
});
