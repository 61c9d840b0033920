import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io";
import { main } from "../../src/cli/main";
import { buildAll } from "../../scripts/build";

const root = join(__dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "configs");

function capture(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: {},
    cwd: root,
    out: () => out,
    err: () => err,
  };
}

async function validate(...args: string[]) {
  const io = capture();
  const code = await main(["validate", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("coalmine validate (in-process)", () => {
  it("accepts the Done-when config and prints a one-screen summary", async () => {
    const r = await validate("test/fixtures/configs/valid/promql-location.config.json");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatchInlineSnapshot(`
      "test/fixtures/configs/valid/promql-location.config.json: valid canary config
      canary config 'checkout-latency'
      metrics (1):
        p95 latency  prometheus  latency  scope default  [increase, NaN→0]
      groups: latency 100
      judge: NetflixACAJudge-v1.0
      "
    `);
  });

  it("summarises a native request: metrics, groups and weights, stages with windows, total duration", async () => {
    const r = await validate(join(fixtures, "valid", "native-request.json"));
    expect(r.code).toBe(0);
    const out = r.out.replace(fixtures, "<fixtures>");
    expect(out).toMatchSnapshot();
    expect(out.split("\n").length).toBeLessThan(25);
  });

  it.each([
    "kayenta-execution-request.json",
    "kayenta-standalone-body.json",
    "kayenta-golden-signals.config.json",
    "native-request-stored-config.json",
  ])("accepts %s", async (file) => {
    const r = await validate(join("test/fixtures/configs/valid", file));
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toContain(": valid ");
  });

  it.each([
    [
      "request-misspelled-keys.json",
      "$.stages[1].lookBack: unknown key 'lookBack': did you mean 'lookback'?",
    ],
    [
      "request-weights-sum-90.json",
      "$.canaryConfig.classifier.groupWeights: group weights sum to 90; they must sum to 100",
    ],
    ["request-marginal-above-pass.json", "$.thresholds.marginal: marginal (95) must not exceed pass (75)"],
    [
      "request-scope-name-without-scope.json",
      "$.canaryConfig.metrics[1].scopeName: scope 'east' is not among the request's scopes (scopes: 'default')",
    ],
    [
      "kayenta-misspelled-lookback.json",
      "$.lookBackMins: unknown key 'lookBackMins': did you mean 'lookbackMins'?",
    ],
  ])("rejects %s with exit 64 and the path", async (file, line) => {
    const r = await validate(join("test/fixtures/configs/invalid", file));
    expect(r.code).toBe(64);
    expect(r.out.split("\n")).toContain(line);
  });

  it("prints every problem, one per line", async () => {
    const r = await validate("test/fixtures/configs/invalid/request-every-problem-at-once.json");
    expect(r.code).toBe(64);
    expect(r.out).toMatchSnapshot();
  });

  it("answers --json with the problems", async () => {
    const r = await validate("test/fixtures/configs/invalid/request-marginal-above-pass.json", "--json");
    expect(r.code).toBe(64);
    expect(JSON.parse(r.out)).toEqual({
      file: "test/fixtures/configs/invalid/request-marginal-above-pass.json",
      kind: "analysis-request",
      valid: false,
      problems: [{ path: "$.thresholds.marginal", message: "marginal (95) must not exceed pass (75)" }],
      warnings: [],
    });
  });

  it("accepts a Deck-exported config with warnings for what Kayenta ignores (exit 0)", async () => {
    const r = await validate("test/fixtures/configs/kayenta/deck-exported-prometheus.config.json");
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out.split("\n").slice(0, 4)).toEqual([
      "test/fixtures/configs/kayenta/deck-exported-prometheus.config.json: valid canary config (3 warnings)",
      "warning: $.metrics[0].query.scopeName: 'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
      "warning: $.metrics[1].query.scopeName: 'scopeName' is ignored: Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
      "warning: $.metrics[1].isNew: 'isNew' is ignored: Deck's editor flag; Kayenta ignores it",
    ]);
    const j = await validate("test/fixtures/configs/kayenta/prometheus-scratch-sample.config.json", "--json");
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({
      valid: true,
      warnings: [
        { path: "$.metrics[0].query.aggregationPeriod" },
        { path: "$.metrics[0].query.sumByFields" },
      ],
    });
  });

  it("still fails a near-miss typo (exit 64) and prints the warnings beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-validate-"));
    const file = join(dir, "typo.json");
    const config = JSON.parse(
      readFileSync(join(fixtures, "kayenta", "prometheus-integration-test-cpu.config.json"), "utf8"),
    );
    config.metrics[0].analysisConfigurations.canary.directon = "decrease";
    config.owner = "team-a";
    writeFileSync(file, JSON.stringify(config));
    const r = await validate(file);
    expect(r.code).toBe(64);
    expect(r.out).toBe(
      `${file}: invalid canary config (1 problem)\n` +
        "$.metrics[0].analysisConfigurations.canary.directon: unknown key 'directon': did you mean 'direction'?\n" +
        "warning: $.owner: unknown key 'owner' is ignored (as Kayenta ignores unknown keys)\n",
    );
  });

  describe("unreadable input exits 64", () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-validate-"));
    it("a missing file", async () => {
      const r = await validate(join(dir, "nope.json"));
      expect(r.code).toBe(64);
      expect(r.err).toMatch(/cannot read .*nope\.json: no such file/);
    });
    it("bad JSON, with line and column", async () => {
      const file = join(dir, "bad.json");
      writeFileSync(file, '{\n  "name": "x",\n  "metrics": [}\n');
      const r = await validate(file);
      expect(r.code).toBe(64);
      expect(r.err).toBe(`coalmine validate: ${file}:3:15: not valid JSON (unexpected "}")\n`);
    });
    it("no file argument", async () => {
      const r = await validate();
      expect(r.code).toBe(64);
      expect(r.err).toContain("usage: coalmine validate <file.json>");
    });
    it("an unknown option", async () => {
      const r = await validate("x.json", "--strict");
      expect(r.code).toBe(64);
      expect(r.err).toContain("unknown option --strict");
    });
  });
});

describe("coalmine validate (the binary)", () => {
  const bin = join(root, "bin", "coalmine.js");
  beforeAll(async () => {
    // `npm ci` / `npm install` build dist/ through the prepare script; build here when it has not run.
    if (!existsSync(join(root, "dist", "cli", "main.js"))) await buildAll();
  }, 240_000);

  it("exits 0 on a valid config and 64 on an invalid request", () => {
    const ok = spawnSync(
      process.execPath,
      [bin, "validate", "test/fixtures/configs/valid/kayenta-golden-signals.config.json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("valid canary config");
    const bad = spawnSync(
      process.execPath,
      [bin, "validate", "test/fixtures/configs/invalid/request-weights-sum-90.json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(bad.status).toBe(64);
    expect(bad.stdout).toContain("$.canaryConfig.classifier.groupWeights: group weights sum to 90");
  });
});
