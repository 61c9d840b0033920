// `coalmine fetch` end to end through the CLI entry point: dry-run queries, fetched pairs (Kayenta JSON), bad input (64), source failures (3).
import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import type { CliIo } from "../../src/cli/cli-io";
import { fetchWindow } from "../../src/cli/commands/fetch";
import { prometheusError, startFakeServer, type FakeServer } from "../helpers/fake-metric-servers";

const ROOT = join(__dirname, "../..");
const REQUEST = "test/fixtures/metrics/request-file.json";
const FILE_ACCOUNTS = JSON.stringify([
  { name: "recorded", type: "file", endpoint: "test/fixtures/metrics/recorded" },
]);

async function run(
  args: string[],
  env: Record<string, string> = { COALMINE_METRICS_ACCOUNTS: FILE_ACCOUNTS },
) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: ROOT };
  const code = await main(["fetch", ...args], io);
  return { code, stdout, stderr };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("coalmine fetch", () => {
  it("--dry-run prints the final query of every metric and scope over the first stage's window", async () => {
    const { code, stdout } = await run([REQUEST, "--dry-run"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.window).toEqual({ start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z" });
    expect(out.queries.map((q: { metric: string }) => q.metric)).toEqual(["p95 latency", "5xx"]);
    expect(out.queries[1]).toEqual({
      metric: "5xx",
      scopeName: "default",
      account: "recorded",
      baseline: {
        scope: "checkout-baseline",
        location: "prod",
        start: "2026-11-23T11:00:00.000Z",
        end: "2026-11-23T11:10:00.000Z",
        stepSeconds: 60,
        query:
          'series.json: metric="http_errors" scope="checkout-baseline" location="prod" [2026-11-23T11:00:00.000Z, 2026-11-23T11:10:00.000Z)',
      },
      canary: {
        scope: "checkout-canary",
        location: "prod",
        start: "2026-11-23T11:00:00.000Z",
        end: "2026-11-23T11:10:00.000Z",
        stepSeconds: 60,
        query:
          'series.json: metric="http_errors" scope="checkout-canary" location="prod" [2026-11-23T11:00:00.000Z, 2026-11-23T11:10:00.000Z)',
      },
    });
  });

  it("prints Kayenta MetricSetPair JSON with NaN as a string and each side's query", async () => {
    const { code, stdout, stderr } = await run([REQUEST, "--metric", "p95 latency"]);
    expect(code).toBe(0);
    expect(stderr).toContain('baseline: series.json: metric="p95 latency"');
    const pairs = JSON.parse(stdout);
    expect(pairs).toHaveLength(1);
    expect(pairs[0].name).toBe("p95 latency");
    // padded with NaN to the window's 10 steps (Kayenta's mixer)
    expect(pairs[0].values.control).toEqual([
      0.21,
      0.22,
      "NaN",
      0.2,
      "NaN",
      "NaN",
      "NaN",
      "NaN",
      "NaN",
      "NaN",
    ]);
    expect(pairs[0].values.experiment).toEqual([0.31, 0.33, 0.35, "NaN", 0.32, 0.3, 0.34, 0.33, 0.36, 0.31]);
    expect(pairs[0].attributes.experiment.query).toContain('scope="checkout-canary"');
    expect(pairs[0].scopes.control).toEqual({
      startTimeIso: "2026-11-23T11:00:00.000Z",
      startTimeMillis: 1795431600000,
      stepMillis: 60000,
    });
  });

  it("honours --start and --end", async () => {
    const { code, stdout } = await run([
      REQUEST,
      "--metric",
      "p95 latency",
      "--start",
      "2026-11-23T11:01:00Z",
      "--end=2026-11-23T11:03:00Z",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)[0].values.control).toEqual([0.22, "NaN"]);
  });

  it("exits 64 naming the path of a bad request, an unknown metric or a missing account", async () => {
    const bad = await run(["test/fixtures/metrics/recorded/series.json"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(
      /^coalmine fetch: test\/fixtures\/metrics\/recorded\/series.json: \d+ problems?\n/,
    );
    expect(bad.stderr).toContain("series.json: $.application: is required");

    const unknown = await run([REQUEST, "--metric", "p99"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe(
      "coalmine fetch: no metric named 'p99' in the canary config (metrics: 'p95 latency', '5xx')\n",
    );

    const noAccount = await run([REQUEST], {});
    expect(noAccount.code).toBe(64);
    expect(noAccount.stderr).toBe(
      "coalmine fetch: no metrics account named 'recorded' (configured: none; set COALMINE_METRICS_ACCOUNTS)\n",
    );

    const usage = await run([]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("usage: coalmine fetch <request.json>");
  });

  it("exits 3 with the source's message and the query when Prometheus rejects the query", async () => {
    server = await startFakeServer(() => ({
      status: 400,
      body: prometheusError("bad_data", "parse error: unexpected end of input"),
    }));
    const request = {
      application: "checkout",
      canaryConfig: {
        name: "c",
        metrics: [
          {
            name: "errors",
            query: { type: "prometheus", customInlineTemplate: 'PromQL:sum(rate(x{app="${scope}"}[1m])' },
          },
        ],
      },
      scopes: { default: { baseline: { scope: "b" }, canary: { scope: "c" } } },
      stages: [{ duration: "PT5M" }],
      startTime: "2026-11-23T11:00:00Z",
    };
    const dir = await mkdtemp(join(tmpdir(), "coalmine-fetch-"));
    try {
      await writeFile(join(dir, "req.json"), JSON.stringify(request));
      const env = {
        COALMINE_METRICS_ACCOUNTS: JSON.stringify([
          { name: "prom", type: "prometheus", endpoint: server.url },
        ]),
      };
      const { code, stdout, stderr } = await run([join(dir, "req.json")], env);
      expect(code).toBe(3);
      expect(JSON.parse(stdout)).toEqual([]);
      expect(server.requests).toHaveLength(2);
      expect(stderr).toContain(
        "coalmine fetch: errors (baseline): prometheus account 'prom' failed (permanent, 1 attempt): HTTP 400: bad_data: parse error: unexpected end of input — query: sum(rate(x{app=\"b\"}[1m])",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes the first stage's window after warm-up, cut at endTime, or ending now", () => {
    const base = { application: "a", scopes: {}, stages: [{ warmup: "PT2M", duration: "PT10M" }] };
    expect(fetchWindow({ ...base, startTime: "2026-11-23T10:00:00Z" }, 0)).toEqual({
      start: "2026-11-23T10:02:00.000Z",
      end: "2026-11-23T10:12:00.000Z",
    });
    expect(
      fetchWindow({ ...base, startTime: "2026-11-23T10:00:00Z", endTime: "2026-11-23T10:05:00Z" }, 0).end,
    ).toBe("2026-11-23T10:05:00.000Z");
    expect(fetchWindow(base, Date.parse("2026-11-23T12:00:00.400Z"))).toEqual({
      start: "2026-11-23T11:50:00.000Z",
      end: "2026-11-23T12:00:00.000Z",
    });
  });
});
