// `coalmine run` end to end: a retrospective analysis over a recorded 3-hour window (file source), in-process.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import { main } from "../../src/cli/main";
import type { CliIo } from "../../src/cli/cli-io";
import { azuriteConnectionString, uniqueStoragePrefix } from "../helpers/azurite";

const root = join(__dirname, "..", "..");

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    cwd: root,
    env: {
      COALMINE_METRICS_ACCOUNTS: "@test/fixtures/recorded/accounts.json",
      COALMINE_STORAGE: azuriteConnectionString(),
      COALMINE_STORAGE_PREFIX: uniqueStoragePrefix("clirun"),
    },
  };
}

const progressLines = (err: string[]) =>
  err
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("stage "));

describe("coalmine run", () => {
  // A generous timeout: 18 judgements of Azurite round trips on a loaded CI machine (no timing is asserted).
  it(
    "passes a healthy canary over the recorded 3 hours: 18 judgements, exit 0",
    { timeout: 120_000 },
    async () => {
      const cli = io();
      const code = await main(["run", "test/fixtures/recorded/request.json", "--json"], cli);
      const status = JSON.parse(cli.out.join("")) as AnalysisStatus;
      expect(code).toBe(0);
      expect(status).toMatchObject({ application: "checkout", state: "passed", verdict: "pass", score: 100 });
      expect(status.judgements).toHaveLength(18);
      expect(status.judgements.at(-1)).toMatchObject({
        stage: 1,
        interval: 11,
        start: "2026-11-20T02:30:00.000Z",
        end: "2026-11-20T03:00:00.000Z",
      });
      const lines = progressLines(cli.err);
      expect(lines).toHaveLength(18);
      expect(lines[0]).toBe(
        "stage '10%' interval 1/6 [2026-11-20T00:00:00.000Z .. 2026-11-20T00:10:00.000Z] score 100 (Pass)",
      );
    },
  );

  it("fails a regressed canary at its first judgement, naming the metric: exit 1", async () => {
    const cli = io();
    const code = await main(["run", "test/fixtures/recorded/request-regressed.json"], cli);
    const status = JSON.parse(cli.out.join("")) as AnalysisStatus;
    expect(code).toBe(1);
    expect(status).toMatchObject({ state: "failed", verdict: "fail", stage: { index: 0, name: "10%" } });
    expect(status.judgements).toHaveLength(1);
    expect(status.judgements[0]?.failedMetrics).toEqual(["p95 latency"]);
    expect(progressLines(cli.err)[0]).toMatch(/score \d+(\.\d+)? \(Fail\) failed: p95 latency$/);
  });

  it("writes the HTML report with --report", async () => {
    const cli = io();
    const out = join(mkdtempSync(join(tmpdir(), "coalmine-run-")), "report.html");
    const code = await main(["run", "test/fixtures/recorded/request-regressed.json", "--report", out], cli);
    expect(code).toBe(1);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("p95 latency");
  });

  it("rejects an invalid request with the JSON path: exit 64", async () => {
    const cli = io();
    const code = await main(["run", "test/fixtures/recorded/request-invalid.json"], cli);
    expect(code).toBe(64);
    expect(cli.out).toEqual([]);
    expect(cli.err.join("")).toContain("$.thresholds.marginal: marginal (95) must not exceed pass (75)");
  });

  it("answers usage errors with exit 64", async () => {
    const cli = io();
    expect(await main(["run"], cli)).toBe(64);
    expect(await main(["run", "a.json", "--bogus"], cli)).toBe(64);
    expect(cli.err.join("")).toContain("unknown option '--bogus'");
  });
});
