// A real InfluxDB 1.x (Debian `influxdb`) for tests and benches: config written to a temp dir, free loopback ports, a database backfilled over /write (baseline vs a regressed canary).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, serviceTestsEnabled, stopChild, tail, waitUntilReady } from "./service-process";

export const INFLUXD_BIN = process.env["INFLUXD_BIN"] ?? "/usr/bin/influxd";
export const INFLUX_DATABASE = "metrics";
export const INFLUX_DEPLOYMENTS = ["checkout-baseline", "checkout-canary"] as const;
export type InfluxDeployment = (typeof INFLUX_DEPLOYMENTS)[number];
export const INFLUX_PODS = ["a", "b"] as const;
export const INFLUX_STEP_SECONDS = 60;

/**
 * Measurement `http` (tags deployment, pod), one point per pod per minute: `p95` seconds (the canary
 * is slower: 0.5 against 0.2, with a small repeating pattern) and `requests` (the same on both sides).
 */
export function p95(deployment: InfluxDeployment, pod: (typeof INFLUX_PODS)[number], i: number): number {
  const level = deployment === "checkout-canary" ? 0.5 : 0.2;
  return Math.round((level + (pod === "b" ? 0.01 : 0) + (i % 5) * 0.002) * 1e6) / 1e6;
}
export function requests(pod: (typeof INFLUX_PODS)[number], i: number): number {
  return 100 + (pod === "b" ? 5 : 0) + (i % 4);
}
/** Measurement `cpu` (tags host, deployment), field `count`, as in Kayenta's InfluxDB docs example: the canary's is higher. */
export function cpuCount(deployment: InfluxDeployment, i: number): number {
  return (deployment === "checkout-canary" ? 30 : 10) + (i % 3);
}

export interface InfluxData {
  /** Epoch seconds of the first and last point (whole minutes). */
  startSec: number;
  endSec: number;
  lineProtocol: string;
}

/** Line protocol for `hours` of data ending at `endSec` (extra bench measurements `bench_<k>` when asked). */
export function generateLineProtocol(endSec: number, hours = 2, benchMeasurements = 0): InfluxData {
  const n = Math.floor((hours * 3600) / INFLUX_STEP_SECONDS);
  const startSec = endSec - n * INFLUX_STEP_SECONDS;
  const lines: string[] = [];
  for (let i = 0; i <= n; i++) {
    const t = startSec + i * INFLUX_STEP_SECONDS;
    for (const d of INFLUX_DEPLOYMENTS)
      for (const pod of INFLUX_PODS) {
        lines.push(
          `http,deployment=${d},pod=${pod} p95=${p95(d, pod, i)},requests=${requests(pod, i)}i ${t}`,
        );
        if (pod === "a") lines.push(`cpu,host=value1,deployment=${d} count=${cpuCount(d, i)}i ${t}`);
        for (let k = 0; k < benchMeasurements; k++)
          lines.push(
            `bench_${k},deployment=${d},pod=${pod} value=${k + (i % 7) + (d.endsWith("canary") ? 1 : 0)} ${t}`,
          );
      }
  }
  return { startSec, endSec, lineProtocol: lines.join("\n") };
}

export interface InfluxServer {
  url: string;
  data: InfluxData;
  stop(): Promise<void>;
}

export function influxdbUnavailable(): string | undefined {
  return existsSync(INFLUXD_BIN) ? undefined : `${INFLUXD_BIN} is not installed`;
}

/** True when influxd exists; without it, prints why (false), or with CI=true throws. */
export function influxdbTestsEnabled(): boolean {
  return serviceTestsEnabled("InfluxDB", influxdbUnavailable(), "influxdb");
}

/** Start influxd on free loopback ports with a fresh temp dir, create the database and write the data. */
export async function startInfluxdb(
  options: { hours?: number; benchMeasurements?: number } = {},
): Promise<InfluxServer> {
  const reason = influxdbUnavailable();
  if (reason !== undefined) throw new Error(`cannot start InfluxDB: ${reason}`);
  const dir = await mkdtemp(join(tmpdir(), "coalmine-influx-"));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, "influxdb.conf");
  await writeFile(
    config,
    [
      "reporting-disabled = true",
      `bind-address = "127.0.0.1:${rpcPort}"`,
      "[meta]",
      `  dir = "${join(dir, "meta")}"`,
      "[data]",
      `  dir = "${join(dir, "data")}"`,
      `  wal-dir = "${join(dir, "wal")}"`,
      "  query-log-enabled = false",
      "[http]",
      `  bind-address = "127.0.0.1:${httpPort}"`,
      "  log-enabled = false",
      "[logging]",
      '  level = "error"',
      "[monitor]",
      "  store-enabled = false",
      "",
    ].join("\n"),
  );
  const child = spawn(INFLUXD_BIN, ["run", "-config", config], { stdio: ["ignore", "pipe", "pipe"] });
  const log = tail(child);
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady("influxd", child, async () => (await fetch(`${url}/ping`)).status === 204, log);
    const create = await fetch(`${url}/query`, {
      method: "POST",
      body: new URLSearchParams({ q: `CREATE DATABASE ${INFLUX_DATABASE}` }),
    });
    if (!create.ok) throw new Error(`CREATE DATABASE failed: ${create.status} ${await create.text()}`);
    const endSec = Math.floor(Date.now() / 60_000) * 60 - 10 * 60;
    const data = generateLineProtocol(endSec, options.hours ?? 2, options.benchMeasurements ?? 0);
    const write = await fetch(`${url}/write?db=${INFLUX_DATABASE}&precision=s`, {
      method: "POST",
      body: data.lineProtocol,
    });
    if (write.status !== 204) throw new Error(`write failed: ${write.status} ${await write.text()}`);
    return { url, data, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
