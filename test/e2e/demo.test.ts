// `npm start` runs `coalmine demo`: a two-stage analysis that passes the 10 % stage and fails the 33 % stage.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main";

describe("coalmine demo", () => {
  it("prints a failing verdict caused by the stage-2 regression and writes the report", async () => {
    const report = join(tmpdir(), `coalmine-demo-test-${process.pid}.html`);
    rmSync(report, { force: true });
    let out = "";
    let err = "";
    const env = { ...process.env };
    delete env["COALMINE_STORAGE"];
    const code = await main(["demo", "--report", report], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env,
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    // Without COALMINE_STORAGE a one-shot run keeps its analysis in memory (nothing outlives the process).
    expect(err).toMatch(/analysis \w+ started \(in-memory stores\)/);
    expect(out).toMatch(/Verdict: FAIL/);
    expect(out).toMatch(/Failed in stage: 33%/);
    expect(out).toContain(`Report:  ${report}`);
    // one progress line per judgement: both 10 % intervals pass, the first 33 % interval fails
    expect(err.match(/stage '10%' interval \d\/2 .* score 100 \(Pass\)/g)).toHaveLength(2);
    expect(err).toMatch(/stage '33%' interval 1\/3 .* \(Fail\) failed: .*5xx rate/);
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, "utf8");
    expect(html).toContain('id="verdict">FAIL<');
    expect(html).toContain("p95 latency");
    rmSync(report, { force: true });
  });
});
