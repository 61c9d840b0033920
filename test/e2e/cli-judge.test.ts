// `coalmine judge` end to end through `main`: exit codes 0/1/2 by verdict, 64 with the path for bad input.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io";
import { main } from "../../src/cli/main";

const fixtures = join(__dirname, "../fixtures/judge");
const config = join(fixtures, "canary-config.json");
const scratch = mkdtempSync(join(tmpdir(), "coalmine-cli-judge-"));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    cwd: scratch,
  };
  const code = await main(["judge", ...args], io);
  return { code, stdout, stderr };
}

function file(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("coalmine judge", () => {
  it("passes: exit 0, Kayenta's CanaryJudgeResult on stdout", async () => {
    const out = await run(["--config", config, "--pairs", join(fixtures, "pairs-pass.json")]);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.judgeName).toBe("NetflixACAJudge-v1.0");
    expect(result.score).toEqual({ score: 100, classification: "Pass", classificationReason: "" });
    expect(result.results.map((r: { name: string; id: string }) => [r.name, r.id])).toEqual([
      ["p99 latency", "p99-latency"],
      ["5xx rate", "5xx-rate"],
    ]);
    const latency = result.results[0].resultMetadata;
    expect(Object.keys(latency)).toEqual(
      expect.arrayContaining([
        "ratio",
        "pValue",
        "confidenceInterval",
        "estimate",
        "effectSize",
        "effectSizeMeasure",
      ]),
    );
    // The all-zero error rate: identical data, ratio 1.0; "NaN" strings were replaced by 0.
    expect(result.results[1].classificationReason).toBe("The Canary and Baseline data are identical");
    expect(out.stderr).toContain("score 100");
  });

  it("fails: exit 1 when latency is High", async () => {
    const out = await run(["--config", config, "--pairs", join(fixtures, "pairs-fail.json")]);
    expect(out.code).toBe(1);
    const result = JSON.parse(out.stdout);
    expect(result.results[0].classification).toBe("High");
    expect(result.results[0].classificationReason).toBe("p99 latency was classified as High");
    expect(result.score.score).toBe(50);
  });

  it("marginal: exit 2 between the thresholds", async () => {
    const out = await run([
      "--config",
      config,
      "--pairs",
      join(fixtures, "pairs-fail.json"),
      "--pass",
      "95",
      "--marginal",
      "50",
    ]);
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stdout).score.classification).toBe("Marginal");
  });

  it('writes a NaN ratio as Jackson\'s "NaN" string', async () => {
    const pairs = file("zero-mean.json", [
      { name: "p99 latency", values: { control: [0, 0, 0, 1, -1], experiment: [5, 6, 7, 8, 9] } },
    ]);
    const out = await run(["--config", config, "--pairs", pairs]);
    expect(out.stdout).toContain('"ratio": "NaN"');
  });

  it("--judge overrides the config's judge; an unknown one is a usage error", async () => {
    const out = await run([
      "--config",
      config,
      "--pairs",
      join(fixtures, "pairs-pass.json"),
      "--judge",
      "dredd-v1.0",
    ]);
    expect(out.code).toBe(64);
    expect(out.stderr).toContain("unknown judge 'dredd-v1.0'");
  });

  describe("bad input exits 64 and names the path", () => {
    it("a pair whose metric is not in the config", async () => {
      const pairs = file("unknown-metric.json", [
        { name: "p99 latency", tags: {}, values: { control: [1], experiment: [1] } },
        { name: "cpu", tags: {}, values: { control: [1], experiment: [1] } },
      ]);
      const out = await run(["--config", config, "--pairs", pairs]);
      expect(out.code).toBe(64);
      expect(out.stdout).toBe("");
      expect(out.stderr.replaceAll(scratch, "<tmp>")).toMatchInlineSnapshot(`
        "coalmine judge: <tmp>/unknown-metric.json: 1 problem
          <tmp>/unknown-metric.json: $[1].name: no metric named 'cpu' in the canary config (metrics: 'p99 latency', '5xx rate')
        "
      `);
    });

    it("non-numeric values", async () => {
      const pairs = file("strings.json", [
        { name: "p99 latency", values: { control: [1, "fast"], experiment: [true] } },
      ]);
      const out = await run(["--config", config, "--pairs", pairs]);
      expect(out.code).toBe(64);
      expect(out.stderr.replaceAll(scratch, "<tmp>")).toMatchInlineSnapshot(`
        "coalmine judge: <tmp>/strings.json: 2 problems
          <tmp>/strings.json: $[0].values.control[1]: must be a number or one of "NaN", "Infinity", "-Infinity"
          <tmp>/strings.json: $[0].values.experiment[0]: must be a number or one of "NaN", "Infinity", "-Infinity"
        "
      `);
    });

    it("an empty file", async () => {
      const out = await run(["--config", config, "--pairs", file("empty.json", "  \n")]);
      expect(out.code).toBe(64);
      expect(out.stderr.replaceAll(scratch, "<tmp>")).toMatchInlineSnapshot(`
        "coalmine judge: <tmp>/empty.json: the metric set pairs file is empty
        "
      `);
    });

    it("an empty list", async () => {
      const out = await run(["--config", config, "--pairs", file("empty-list.json", "[]")]);
      expect(out.code).toBe(64);
      expect(out.stderr).toContain("$: the list holds no metric set pairs");
    });

    it("an unreadable file (relative paths resolve against the working directory)", async () => {
      const out = await run(["--config", config, "--pairs", "missing.json"]);
      expect(out.code).toBe(64);
      expect(out.stderr).toContain("cannot read the metric set pairs file 'missing.json'");
    });

    it("malformed JSON", async () => {
      const out = await run(["--config", config, "--pairs", file("bad.json", "[{")]);
      expect(out.code).toBe(64);
      expect(out.stderr).toContain("bad.json: the metric set pairs file is not valid JSON");
    });

    it("an invalid canary config", async () => {
      const cfg = file("bad-config.json", {
        name: "x",
        metrics: [{ name: "m", query: { type: "prometheus" }, grups: [] }],
      });
      const out = await run(["--config", cfg, "--pairs", join(fixtures, "pairs-pass.json")]);
      expect(out.code).toBe(64);
      expect(out.stderr).toContain("$.metrics[0].grups: unknown key 'grups': did you mean 'groups'?");
    });

    it("missing arguments and bad thresholds", async () => {
      expect((await run(["--config", config])).code).toBe(64);
      const inverted = await run([
        "--config",
        config,
        "--pairs",
        "p.json",
        "--pass",
        "50",
        "--marginal",
        "80",
      ]);
      expect(inverted.code).toBe(64);
      expect(inverted.stderr).toContain("--marginal (80) must not exceed --pass (50)");
      const junk = await run(["--config", config, "--pairs", "p.json", "--pass", "lots"]);
      expect(junk.stderr).toContain("--pass must be a number from 0 to 100, not 'lots'");
      expect((await run(["--config", config, "--pairs", "p.json", "--bogus"])).code).toBe(64);
    });
  });
});
