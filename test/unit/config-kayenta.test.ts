import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import type { KayentaExecutionRequest } from "../../src/config/kayenta-request.schema";
import { KayentaMappingError, mapKayentaRequest } from "../../src/config/map-kayenta-request";
import { kayentaToAnalysisRequest, validateKayentaExecutionRequest } from "../../src/config/validate";

const dir = join(__dirname, "..", "fixtures", "configs", "valid");
const load = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
const config = load<CanaryConfig>("kayenta-golden-signals.config.json");
const opts = { application: "ad-hoc", metricsAccount: "prometheus" };

describe("mapKayentaRequest (docs/kayenta-rules.md §3.2–3.3)", () => {
  it("maps a live request to one stage", () => {
    const req = load<KayentaExecutionRequest>("kayenta-execution-request.json");
    expect(mapKayentaRequest(req, config, opts)).toEqual({
      application: "ad-hoc",
      canaryConfig: config,
      metricsAccount: "prometheus",
      scopes: {
        default: {
          baseline: { scope: "myapp-baseline", location: "prod", extendedScopeParams: { namespace: "prod" } },
          canary: { scope: "myapp-canary", location: "prod", extendedScopeParams: { namespace: "prod" } },
          step: "PT1M",
        },
      },
      stages: [{ name: "kayenta", duration: "PT1H", interval: "PT15M" }],
      thresholds: { pass: 95, marginal: 75 },
      mode: "kayenta-standalone",
    });
  });

  it("maps a retrospective request: end − start, control offset, sliding lookback, step in seconds", () => {
    const req = load<KayentaExecutionRequest>("kayenta-retrospective-request.json");
    const out = mapKayentaRequest({ ...req, beginAfterMins: 5 }, config, { application: "orders" });
    expect(out.startTime).toBe("2024-05-01T10:00:00Z");
    expect(out.endTime).toBe("2024-05-01T11:00:00Z");
    // Kayenta's retrospective windows ignore beginAfterMins, so no warm-up.
    expect(out.stages).toEqual([{ name: "kayenta", duration: "PT1H", interval: "PT20M", lookback: "PT20M" }]);
    expect(out.scopes["default"]).toEqual({
      baseline: { scope: "myapp-baseline", location: "prod", offset: "P1D" },
      canary: { scope: "myapp-canary", location: "prod" },
      step: "PT30S",
    });
    expect(out.metricsAccount).toBeUndefined();
  });

  it.each([
    [undefined, "PT1H"],
    [0, "PT1H"],
    [90, "PT1H"],
    [7, "PT7M"],
  ])("analysisIntervalMins %j becomes interval %s (clamped to the lifetime)", (asked, interval) => {
    const req = load<KayentaExecutionRequest>("kayenta-execution-request.json");
    const out = mapKayentaRequest({ ...req, analysisIntervalMins: asked }, config, opts);
    expect(out.stages[0]?.interval).toBe(interval);
  });

  it("keeps beginAfterMins as the warm-up of a live run, and every scope by name with scopes[0]'s step", () => {
    const req = load<KayentaExecutionRequest>("kayenta-execution-request.json");
    const second = { scopeName: "east", controlScope: "b", experimentScope: "c", controlOffsetInMinutes: 30 };
    const out = mapKayentaRequest(
      { ...req, beginAfterMins: 10, scopes: [...req.scopes, second] },
      config,
      opts,
    );
    expect(out.stages[0]?.warmup).toBe("PT10M");
    expect(out.scopes["east"]).toEqual({
      baseline: { scope: "b", offset: "PT30M" },
      canary: { scope: "c" },
      step: "PT1M",
    });
  });

  it("throws on a request without a lifetime (validate first)", () => {
    const req = load<KayentaExecutionRequest>("kayenta-execution-request.json");
    expect(() => mapKayentaRequest({ ...req, lifetimeDurationMins: null }, config, opts)).toThrow(
      KayentaMappingError,
    );
  });
});

describe("kayentaToAnalysisRequest", () => {
  it("validates the standalone body and returns a valid native request", () => {
    const r = kayentaToAnalysisRequest({ body: load("kayenta-standalone-body.json") }, opts);
    expect(r.ok && r.value.mode).toBe("kayenta-standalone");
  });
  it("checks a bare request against the stored config's scopes", () => {
    const req = load<Record<string, any>>("kayenta-execution-request.json");
    req.scopes[0].scopeName = "canary";
    const r = kayentaToAnalysisRequest({ body: req, storedConfig: config }, opts);
    expect(r.ok ? [] : r.problems).toEqual([
      {
        path: "$.scopes",
        message: "no scope 'default' for metric '5xx rate' of the stored config (scopes: 'canary')",
      },
      {
        path: "$.scopes",
        message: "no scope 'default' for metric 'p99 latency' of the stored config (scopes: 'canary')",
      },
    ]);
  });
  it("accepts nulls where Kayenta's Jackson would", () => {
    const req = load<Record<string, any>>("kayenta-execution-request.json");
    req.siteLocal = null;
    req.beginAfterMins = null;
    req.scopes[0].startTimeIso = null;
    expect(validateKayentaExecutionRequest(req).ok).toBe(true);
  });
  it("needs startTimeIso with endTimeIso", () => {
    const req = load<Record<string, any>>("kayenta-retrospective-request.json");
    delete req.scopes[0].startTimeIso;
    const r = validateKayentaExecutionRequest(req);
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(["$.scopes[0].startTimeIso"]);
  });
});
