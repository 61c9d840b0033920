import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../src/config/detect-document";
import { QUERY_TYPES } from "../../src/config/query.schema";
import { effectiveThresholds, mapKayentaCanaryRequest } from "../../src/config/map-kayenta-request";
import {
  kayentaCanaryToAnalysisRequest,
  kayentaToAnalysisRequest,
  validateAnalysisRequest,
  validateCanaryConfig,
  validateKayentaCanaryRequest,
  validateKayentaExecutionRequest,
} from "../../src/config/validate";

const fixtures = join(__dirname, "..", "fixtures", "configs");
const kayentaDir = join(fixtures, "kayenta");
const load = <T = Record<string, any>>(...parts: string[]): T =>
  JSON.parse(readFileSync(join(fixtures, ...parts), "utf8")) as T;
const paths = (list: { path: string }[] | undefined) => (list ?? []).map((p) => p.path);
const problemsOf = (r: { ok: boolean; problems?: unknown }) =>
  r.ok ? [] : ((r as { problems: { path: string; message: string }[] }).problems ?? []);

describe("Kayenta's own configs and Deck's exports (test/fixtures/configs/kayenta/README.md)", () => {
  const files = readdirSync(kayentaDir).filter((f) => f.endsWith(".json"));
  it("has the fixtures", () => expect(files.length).toBeGreaterThanOrEqual(8));

  it.each(files)("%s: valid when its source types are supported, else fails only on the type", (file) => {
    const json = load("kayenta", file);
    const types = (json.metrics as { query: { type: string } }[]).map((m) => m.query.type);
    const r = validateCanaryConfig(json);
    if (types.every((t) => (QUERY_TYPES as string[]).includes(t))) {
      expect(problemsOf(r)).toEqual([]);
    } else {
      expect(problemsOf(r).every((p) => /^\$\.metrics\[\d+\]\.query\.type$/.test(p.path))).toBe(true);
      expect(problemsOf(r).length).toBeGreaterThan(0);
    }
  });

  it("warns about what Kayenta ignores, by path and why", () => {
    const r = validateCanaryConfig(load("kayenta", "deck-exported-prometheus.config.json"));
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      {
        path: "$.metrics[0].query.scopeName",
        message:
          "'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
      },
      {
        path: "$.metrics[1].query.scopeName",
        message:
          "'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
      },
      { path: "$.metrics[1].isNew", message: "'isNew' is ignored: Deck's editor flag; Kayenta ignores it" },
    ]);
  });

  it("reads a numeric configVersion as Jackson does, and warns about old keys far from any known one", () => {
    const r = validateCanaryConfig(load("kayenta", "prometheus-scratch-sample.config.json"));
    expect(r.ok).toBe(true);
    expect(String(r.ok && r.value.configVersion)).toBe("1");
    expect(paths(r.warnings)).toEqual([
      "$.metrics[0].query.aggregationPeriod",
      "$.metrics[0].query.sumByFields",
    ]);
  });
});

describe("near-miss typos stay errors with their did-you-mean", () => {
  const config = () => load("valid", "kayenta-golden-signals.config.json");

  it.each([
    [["metrics", 0, "analysisConfigurations", "canary"], "directon", "direction"],
    [["metrics", 0], "scopName", "scopeName"],
    [["metrics", 0, "query"], "metricNme", "metricName"],
    [["metrics", 0, "query"], "labelBinding", "labelBindings"],
    [["classifier"], "groupweights", "groupWeights"],
    [[], "Templates", "templates"],
  ] as const)("%j: %s", (at, typo, meant) => {
    const json = config();
    let node: any = json;
    for (const seg of at) node = node[seg];
    node[typo] = node[meant] ?? "x";
    delete node[meant];
    const r = validateCanaryConfig(json);
    expect(r.ok).toBe(false);
    expect(problemsOf(r)).toContainEqual({
      path: `$${at.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}.${typo}`,
      message: `unknown key '${typo}': did you mean '${meant}'?`,
    });
  });

  it("lookBackMins in a Kayenta request (kayenta#538) is an error, an unrelated key a warning", () => {
    const req = load("valid", "kayenta-execution-request.json");
    req.lookBackMins = 10;
    req.owner = "team-checkout";
    const r = validateKayentaExecutionRequest(req);
    expect(problemsOf(r)).toEqual([
      { path: "$.lookBackMins", message: "unknown key 'lookBackMins': did you mean 'lookbackMins'?" },
    ]);
    expect(paths(r.warnings)).toEqual(["$.owner"]);
  });

  it("a value Kayenta's judge would choke on stays an error (analysisConfigurations is a raw map there)", () => {
    const json = config();
    json.metrics[0].analysisConfigurations.canary.critical = "true";
    expect(problemsOf(validateCanaryConfig(json))).toEqual([
      {
        path: "$.metrics[0].analysisConfigurations.canary.critical",
        message: 'must be a boolean, not "true"',
      },
    ]);
  });
});

describe("Jackson's scalar coercions", () => {
  it("reads numeric strings, number-as-string, null-as-absent, and truncates fractions with a warning", () => {
    const req = load("valid", "kayenta-execution-request.json");
    req.lifetimeDurationMins = "60";
    req.analysisIntervalMins = 15.9;
    req.thresholds = { pass: "95.5", marginal: 75 };
    req.scopes[0].extendedScopeParams = { port: 8080 };
    req.scopes[0].controlLocation = null;
    const r = validateKayentaExecutionRequest(req);
    expect(problemsOf(r)).toEqual([]);
    expect(r.ok && r.value).toMatchObject({
      lifetimeDurationMins: 60,
      analysisIntervalMins: 15,
      thresholds: { pass: 95.5, marginal: 75 },
      scopes: [{ extendedScopeParams: { port: "8080" } }],
    });
    expect(r.warnings).toEqual([
      {
        path: "$.analysisIntervalMins",
        message: "15.9 is read as 15 (Kayenta truncates a fraction where it expects a whole number)",
      },
    ]);
  });

  it("does not coerce what Jackson would refuse (an object where a string is expected)", () => {
    const json = load("valid", "kayenta-golden-signals.config.json");
    json.configVersion = { major: 1 };
    expect(paths(problemsOf(validateCanaryConfig(json)))).toEqual(["$.configVersion"]);
  });
});

describe("partial thresholds behave as Kayenta", () => {
  it("accepts only marginal, warns, and maps pass to marginal", () => {
    const req = load("valid", "kayenta-execution-request.json");
    req.thresholds = { marginal: 50, pass: null };
    const config = load("valid", "kayenta-golden-signals.config.json");
    const r = kayentaToAnalysisRequest({ body: req, storedConfig: config as any }, { application: "ad-hoc" });
    expect(r.ok && r.value.thresholds).toEqual({ pass: 50, marginal: 50 });
    expect(r.warnings).toEqual([
      {
        path: "$.thresholds.pass",
        message:
          'no pass threshold: a final score above marginal passes ("No pass score threshold was specified.", as Kayenta)',
      },
    ]);
  });
  it.each([
    [{ pass: 90 }, { pass: 90, marginal: 0 }],
    [{}, { pass: 0, marginal: 0 }],
    [
      { pass: 90, marginal: 70 },
      { pass: 90, marginal: 70 },
    ],
  ])("%j judges as %j", (given, effective) => expect(effectiveThresholds(given)).toEqual(effective));
});

describe("native requests stay strict (their inline config is a Kayenta document)", () => {
  it("an unknown key of the request is an error; one inside its canary config a warning", () => {
    const req = load("valid", "native-request.json");
    req.owner = "team-checkout";
    req.canaryConfig.isNew = true;
    const r = validateAnalysisRequest(req);
    expect(paths(problemsOf(r))).toEqual(["$.owner"]);
    expect(paths(r.warnings)).toEqual(["$.canaryConfig.isNew"]);
  });
  it("no coercion outside the inline config", () => {
    const req = load("valid", "native-request.json");
    req.thresholds = { pass: "95", marginal: 75 };
    expect(paths(problemsOf(validateAnalysisRequest(req)))).toEqual(["$.thresholds.pass"]);
  });
});

describe("/canary's CanaryExecutionRequest (what Orca's RunKayentaCanaryTask sends)", () => {
  const orcaBody = (): Record<string, any> => ({
    scopes: {
      default: {
        controlScope: {
          scope: "checkout-baseline",
          location: "prod",
          start: "2024-05-01T09:00:00Z",
          end: "2024-05-01T10:00:00Z",
          step: 60,
          extendedScopeParams: { namespace: "shop", cluster: null },
        },
        experimentScope: {
          scope: "checkout-canary",
          location: "prod",
          start: "2024-05-01T10:00:00Z",
          end: "2024-05-01T11:00:00Z",
          step: 60,
          extendedScopeParams: { namespace: "shop" },
        },
      },
    },
    thresholds: { pass: 95, marginal: 75 },
    siteLocal: {},
  });

  it("is detected and validated", () => {
    const v = validateDocument(orcaBody());
    expect(v.kind).toBe("kayenta-canary-request");
    expect(problemsOf(v.result)).toEqual([]);
  });

  it("maps to one judgement over the experiment window, the earlier control window as the baseline offset", () => {
    const config = load("valid", "kayenta-golden-signals.config.json");
    const r = validateKayentaCanaryRequest(orcaBody());
    if (!r.ok) throw new Error("invalid");
    expect(mapKayentaCanaryRequest(r.value, config as any, { application: "checkout" })).toEqual({
      application: "checkout",
      canaryConfig: config,
      scopes: {
        default: {
          baseline: {
            scope: "checkout-baseline",
            location: "prod",
            extendedScopeParams: { namespace: "shop" },
            offset: "PT1H",
          },
          canary: { scope: "checkout-canary", location: "prod", extendedScopeParams: { namespace: "shop" } },
          step: "PT1M",
        },
      },
      stages: [{ name: "kayenta", duration: "PT1H", interval: "PT1H" }],
      startTime: "2024-05-01T10:00:00.000Z",
      endTime: "2024-05-01T11:00:00.000Z",
      thresholds: { pass: 95, marginal: 75 },
      mode: "kayenta-standalone",
    });
  });

  it("reads epoch-second instants as Jackson's InstantDeserializer does", () => {
    const body = orcaBody();
    body.scopes.default.experimentScope.start = 1714557600;
    const r = validateKayentaCanaryRequest(body);
    expect(r.ok && r.value.scopes["default"]?.experimentScope.start).toBe("2024-05-01T10:00:00.000Z");
  });

  it("requires thresholds, windows that end after they start, and one window for all scopes", () => {
    const body = orcaBody() as { scopes: Record<string, any>; thresholds?: unknown };
    delete body.thresholds;
    body.scopes.default.controlScope.end = "2024-05-01T08:00:00Z";
    body.scopes.east = structuredClone(body.scopes.default);
    body.scopes.east.controlScope.end = "2024-05-01T10:00:00Z";
    body.scopes.east.experimentScope.start = "2024-05-01T10:30:00Z";
    expect(problemsOf(validateKayentaCanaryRequest(body))).toEqual([
      { path: "$.thresholds", message: "is required" },
    ]);
    (body as { thresholds: unknown }).thresholds = { pass: 95, marginal: 75 };
    expect(paths(problemsOf(validateKayentaCanaryRequest(body)))).toEqual([
      "$.scopes.default.controlScope.end",
      "$.scopes.east.experimentScope.start",
      "$.scopes.east.controlScope.end",
    ]);
  });

  it("checks the scopes the stored config's metrics use", () => {
    const config = load("valid", "kayenta-golden-signals.config.json");
    const body = orcaBody();
    body.scopes = { canary: body.scopes.default };
    const r = kayentaCanaryToAnalysisRequest({ body, storedConfig: config as any }, { application: "a" });
    expect(problemsOf(r)[0]).toEqual({
      path: "$.scopes",
      message: "no scope 'default' for metric '5xx rate' of the stored config (scopes: 'canary')",
    });
  });

  it("the ad-hoc body of POST /canary is detected apart from the standalone one", () => {
    const config = load("valid", "kayenta-golden-signals.config.json");
    const v = validateDocument({ canaryConfig: config, executionRequest: orcaBody() });
    expect(v.kind).toBe("kayenta-canary-body");
    expect(problemsOf(v.result)).toEqual([]);
    expect(validateDocument(load("valid", "kayenta-standalone-body.json")).kind).toBe(
      "kayenta-standalone-body",
    );
  });
});

describe("a warning never hides an error", () => {
  it("reports both", () => {
    const json = load("valid", "kayenta-golden-signals.config.json");
    json.owner = "x";
    json.metrics[0].nmae = "typo";
    const r = validateCanaryConfig(json);
    expect(paths(problemsOf(r))).toEqual(["$.metrics[0].nmae"]);
    expect(paths(r.warnings)).toEqual(["$.owner"]);
  });
});
