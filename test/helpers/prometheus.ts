// A real Prometheus for tests and benches: generated OpenMetrics (baseline vs a regressed canary), backfilled with promtool, served on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROMETHEUS_BIN = process.env["PROMETHEUS_BIN"] ?? "/usr/bin/prometheus";
export const PROMTOOL_BIN = process.env["PROMTOOL_BIN"] ?? "/usr/bin/promtool";

export const DEPLOYMENTS = ["checkout-baseline", "checkout-canary"] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];
export const PODS = ["a", "b"] as const;
export const SCRAPE_SECONDS = 15;

/** Requests per second by status code; the canary's 5xx rate is five times the baseline's (the regression). */
export const REQUEST_RATE: Record<Deployment, Record<"200" | "500", number>> = {
  "checkout-baseline": { "200": 10, "500": 0.1 },
  "checkout-canary": { "200": 10, "500": 0.5 },
};

/** Latency histogram: bucket upper bounds and the cumulative share of requests at or below each (canary slower). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.4, 0.8] as const;
export const LATENCY_CUMULATIVE: Record<Deployment, number[]> = {
  "checkout-baseline": [60, 120, 141, 148, 150],
  "checkout-canary": [30, 80, 120, 140, 148],
};
/** Requests per scrape interval per pod (the histogram's _count increment), +Inf included. */
export const LATENCY_PER_SCRAPE = 150;

/** Memory gauge of a pod at sample index i (seconds since start / 15): a small repeating pattern around a level. */
export function memoryBytes(deployment: Deployment, pod: (typeof PODS)[number], i: number): number {
  const level = deployment === "checkout-canary" ? 150e6 : 100e6;
  const podShift = pod === "a" ? 0 : 10e6;
  return level + podShift + (i % 3) * 1e6;
}

/**
 * Prometheus' histogram_quantile over cumulative bucket counts (promql/quantile.go: linear
 * interpolation inside the bucket holding rank q·total; the first bucket's lower bound is 0).
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  cumulative: readonly number[],
  total: number,
): number {
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let b = 0; b < bounds.length; b++) {
    const upper = bounds[b]!;
    const cum = cumulative[b]!;
    if (cum >= rank) return lower + ((upper - lower) * (rank - below)) / (cum - below);
    lower = upper;
    below = cum;
  }
  return bounds[bounds.length - 1]!; // rank in the +Inf bucket: the highest finite bound
}

export interface GeneratedData {
  /** Epoch seconds of the first and last sample (both on the 15 s grid, last at a whole minute). */
  startSec: number;
  endSec: number;
  openMetrics: string;
  /** Extra gauge families `bench_metric_<k>` for the benchmark. */
  benchMetrics: number;
}

/** OpenMetrics text for `hours` of data ending at `endSec`, every family's samples grouped (promtool needs that). */
export function generateOpenMetrics(endSec: number, hours = 2, benchMetrics = 0): GeneratedData {
  const n = Math.floor((hours * 3600) / SCRAPE_SECONDS);
  const startSec = endSec - n * SCRAPE_SECONDS;
  const lines: string[] = [];
  const times = Array.from({ length: n + 1 }, (_, i) => ({ i, t: startSec + i * SCRAPE_SECONDS }));

  lines.push("# TYPE http_requests counter");
  for (const d of DEPLOYMENTS)
    for (const pod of PODS)
      for (const code of ["200", "500"] as const)
        for (const { i, t } of times)
          lines.push(
            `http_requests_total{deployment="${d}",pod="${pod}",code="${code}"} ${REQUEST_RATE[d][code] * SCRAPE_SECONDS * i} ${t}`,
          );

  lines.push("# TYPE process_memory_bytes gauge");
  for (const d of DEPLOYMENTS)
    for (const pod of PODS)
      for (const { i, t } of times)
        lines.push(`process_memory_bytes{deployment="${d}",pod="${pod}"} ${memoryBytes(d, pod, i)} ${t}`);

  lines.push("# TYPE http_request_duration_seconds histogram");
  for (const d of DEPLOYMENTS)
    for (const pod of PODS)
      for (const { i, t } of times) {
        LATENCY_BUCKETS.forEach((le, b) =>
          lines.push(
            `http_request_duration_seconds_bucket{deployment="${d}",pod="${pod}",le="${le}"} ${LATENCY_CUMULATIVE[d][b]! * i} ${t}`,
          ),
        );
        lines.push(
          `http_request_duration_seconds_bucket{deployment="${d}",pod="${pod}",le="+Inf"} ${LATENCY_PER_SCRAPE * i} ${t}`,
        );
        lines.push(
          `http_request_duration_seconds_sum{deployment="${d}",pod="${pod}"} ${0.1 * LATENCY_PER_SCRAPE * i} ${t}`,
        );
        lines.push(
          `http_request_duration_seconds_count{deployment="${d}",pod="${pod}"} ${LATENCY_PER_SCRAPE * i} ${t}`,
        );
      }

  for (let k = 0; k < benchMetrics; k++) {
    lines.push(`# TYPE bench_metric_${k} gauge`);
    for (const d of DEPLOYMENTS)
      for (const { i, t } of times)
        lines.push(
          `bench_metric_${k}{deployment="${d}"} ${k + (i % 7) + (d.endsWith("canary") ? 1 : 0)} ${t}`,
        );
  }
  lines.push("# EOF", "");
  return { startSec, endSec, openMetrics: lines.join("\n"), benchMetrics };
}

export interface PrometheusServer {
  url: string;
  data: GeneratedData;
  stop(): Promise<void>;
}

/** Why Prometheus cannot run here, or undefined when it can. */
export function prometheusUnavailable(): string | undefined {
  for (const bin of [PROMETHEUS_BIN, PROMTOOL_BIN]) if (!existsSync(bin)) return `${bin} is not installed`;
  return undefined;
}

/**
 * Whether to run Prometheus tests: true when the binaries exist; otherwise prints why and returns
 * false, except with CI=true where a missing binary is a failure (throws).
 */
export function prometheusTestsEnabled(): boolean {
  const reason = prometheusUnavailable();
  if (reason === undefined) return true;
  if (process.env["CI"] === "true")
    throw new Error(`Prometheus tests cannot run in CI: ${reason} (install the Debian package 'prometheus')`);
  console.warn(`skipping the Prometheus tests: ${reason} (apt-get install prometheus)`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Generate data ending a few minutes before now (on a whole minute), backfill it with
 * `promtool tsdb create-blocks-from openmetrics`, start Prometheus with a 100-year retention on a
 * free loopback port and wait for `/-/ready`.
 */
export async function startPrometheus(
  options: { hours?: number; benchMetrics?: number } = {},
): Promise<PrometheusServer> {
  const reason = prometheusUnavailable();
  if (reason !== undefined) throw new Error(`cannot start Prometheus: ${reason}`);
  const dir = await mkdtemp(join(tmpdir(), "coalmine-prom-"));
  const endSec = Math.floor(Date.now() / 60_000) * 60 - 10 * 60;
  const data = generateOpenMetrics(endSec, options.hours ?? 2, options.benchMetrics ?? 0);
  const input = join(dir, "data.om");
  const tsdb = join(dir, "tsdb");
  await writeFile(input, data.openMetrics);
  const backfill = spawnSync(PROMTOOL_BIN, ["tsdb", "create-blocks-from", "openmetrics", input, tsdb], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (backfill.status !== 0)
    throw new Error(`promtool backfill failed (${backfill.status}): ${backfill.stderr || backfill.stdout}`);
  const config = join(dir, "prometheus.yml");
  await writeFile(config, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      `--storage.tsdb.retention.time=100y`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready within 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, data, stop };
}
