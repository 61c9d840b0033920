// A restart of `coalmine serve` orphans nothing: SIGKILL during a live analysis and during an awaited decision,
// start it again on the same (separately started) Azurite, and both analyses finish with the right verdict.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { azuriteConnectionString, uniqueStoragePrefix } from "../helpers/azurite";
import { ROOT, baseRequest, call, poll } from "../e2e/http-serve-helpers";

interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: string[];
}

const children: ChildProcess[] = [];

/** Starts `coalmine serve --port 0` in its own process; resolves with its URL once it listens. */
function startServeProcess(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "test/helpers/serve-process.ts"), "serve", "--port", "0"],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString("utf8")));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr.join("")}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      const m = /(http:\/\/[^\s]+)\/api\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr.join("")}`));
    });
  });
}

async function kill9(p: ServeProcess): Promise<void> {
  if (p.child.exitCode !== null) return;
  const gone = new Promise((r) => p.child.once("exit", r));
  p.child.kill("SIGKILL");
  await gone;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** One-second recorded series around now, the same values for both sides (a passing canary). */
function liveSeries(): string {
  const dir = mkdtempSync(join(tmpdir(), "coalmine-restart-"));
  const start = new Date(Date.now() - 10 * 60_000);
  start.setUTCMilliseconds(0);
  const values = Array.from({ length: 40 * 60 }, (_, i) => 100 + ((i * 7919) % 13));
  const series = ["checkout-baseline", "checkout-canary"].flatMap((scope) =>
    ["latency_p95", "error_rate"].map((metric) => ({
      metric,
      scope,
      location: "prod",
      start: start.toISOString(),
      step: 1,
      values,
    })),
  );
  writeFileSync(join(dir, "series.json"), JSON.stringify({ series }));
  return dir;
}

describe("a restarted coalmine serve resumes every unfinished analysis", () => {
  it("SIGKILL during a live analysis and during an awaited decision: both finish with the right verdict", async () => {
    const liveDir = liveSeries();
    const env = {
      COALMINE_STORAGE: azuriteConnectionString(),
      COALMINE_STORAGE_PREFIX: uniqueStoragePrefix("restart"),
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([
        { name: "recorded", type: "file", endpoint: "test/fixtures/recorded" },
        { name: "live", type: "file", endpoint: liveDir },
      ]),
      COALMINE_SECRET_KEY: "7a".repeat(32),
    };
    const first = await startServeProcess(env);

    // 1. An analysis awaiting a decision (retrospective, marginal).
    const marginal = baseRequest();
    marginal.scopes.default.canary.scope = "checkout-canary-regressed";
    marginal.onMarginal = { action: "await-decision", timeout: "PT30M" };
    const awaiting = await call(first.url, "POST", "/api/analyses", marginal);
    expect(awaiting.status).toBe(202);
    const awaitingId = awaiting.body.id as string;
    await poll(first.url, awaitingId, (s) => s.state === "awaiting-decision", 600);

    // 2. A live analysis: two judgements, 10 s apart, on the wall clock.
    const live = baseRequest();
    delete live.startTime;
    live.metricsAccount = "live";
    live.scopes.default.step = "PT1S";
    live.ingestionLag = "PT0S";
    live.stages = [{ name: "live", duration: "PT20S", interval: "PT10S" }];
    const started = await call(first.url, "POST", "/api/analyses", live);
    expect(started.status, started.text).toBe(202);
    const liveId = started.body.id as string;
    await poll(first.url, liveId, (s) => s.state === "running", 600);

    await kill9(first);

    // Nothing answers now; a new process on the same storage takes over.
    const second = await startServeProcess(env);
    expect(second.stderr.join("")).toMatch(/resumed 2 unfinished analysis instance/);
    // The resumed execution judges its interval again (idempotently) and waits for the decision again.
    const stillWaiting = await poll(
      second.url,
      awaitingId,
      (s) => s.state === "awaiting-decision" || ["passed", "failed", "error", "marginal"].includes(s.state),
      600,
    );
    expect(stillWaiting.state).toBe("awaiting-decision");
    const decided = await call(second.url, "POST", `/api/analyses/${awaitingId}/decision`, {
      action: "approve",
      reason: "known slow path",
    });
    expect(decided.status, decided.text).toBe(202);

    const decidedDone = await poll(second.url, awaitingId, undefined, 1200);
    expect(decidedDone).toMatchObject({ state: "passed", verdict: "pass" });
    const liveDone = await poll(second.url, liveId, undefined, 1200);
    expect(liveDone).toMatchObject({ state: "passed", verdict: "pass" });
    expect(liveDone.judgements).toHaveLength(2);

    // Another kill right after: whatever was still finishing runs again (idempotently) and changes no verdict.
    await kill9(second);
    const third = await startServeProcess(env);
    await new Promise((r) => setTimeout(r, 2000));
    const list = await call(third.url, "GET", "/api/analyses");
    const states = Object.fromEntries(
      list.body.items.map((s: { id: string; state: string }) => [s.id, s.state]),
    );
    expect(states).toEqual({ [awaitingId]: "passed", [liveId]: "passed" });
    await kill9(third);
  }, 120_000);

  it("says at start that in-process Azurite keeps nothing", async () => {
    const p = await startServeProcess({ COALMINE_STORAGE: "", COALMINE_STORAGE_PREFIX: "" });
    // stderr lines come right after the URL
    await new Promise((r) => setTimeout(r, 500));
    expect(p.stderr.join("")).toMatch(/keeps nothing when the process ends/);
    await kill9(p);
  }, 60_000);
});
