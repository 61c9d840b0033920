// infra/pipelines/coalmine-analysis.sh (the any-CI script) against a real `coalmine serve`: start, poll, exit code.
import { execFile } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, ROOT, serve } from "./http-serve-helpers";

const run = promisify(execFile);
const script = join(ROOT, "infra", "pipelines", "coalmine-analysis.sh");

async function runScript(
  request: unknown,
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const file = join(mkdtempSync(join(tmpdir(), "coalmine-script-")), "request.json");
  writeFileSync(file, JSON.stringify(request));
  try {
    const { stdout, stderr } = await run("bash", [script, file], {
      env: { ...process.env, COALMINE_POLL_SECONDS: "0.2", ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: err.stdout ?? "", err: err.stderr ?? "" };
  }
}

describe("coalmine-analysis.sh", () => {
  let server: RunningServe;
  beforeAll(async () => {
    server = await serve({ COALMINE_FUNCTION_KEY: "k3y" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("starts an analysis, waits for the verdict and exits 0 on a pass", async () => {
    const r = await runScript(baseRequest(), { COALMINE_URL: server.url, COALMINE_KEY: "k3y" });
    expect(r.err).toMatch(/analysis \S+ started/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ state: "passed", verdict: "pass" });
  });

  it("exits 3 with the server's problem when the request is invalid", async () => {
    const bad = { ...baseRequest(), stagez: [] };
    const r = await runScript(bad, { COALMINE_URL: server.url, COALMINE_KEY: "k3y" });
    expect(r.code).toBe(3);
    expect(r.err).toContain("HTTP 400");
    expect(r.err).toContain("stagez");
  });

  it("is refused without the function key", async () => {
    const r = await runScript(baseRequest(), { COALMINE_URL: server.url });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/HTTP 401|HTTP 403/);
  });

  it("exits 64 without a request file", async () => {
    const r = await run("bash", [script]).catch((e: { code: number }) => e);
    expect((r as { code: number }).code).toBe(64);
  });
});
