// A real Graphite (Debian `graphite-web` + `graphite-carbon`'s whisper) for tests and benches: whisper files backfilled in a temp dir, graphite-web's WSGI app served on a free loopback port by graphite-web.py.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, serviceTestsEnabled, stopChild, tail, waitUntilReady } from "./service-process";

/** Debian's interpreter: graphite-web and whisper are installed for it (not for a pyenv or venv python3). */
export const GRAPHITE_PYTHON = process.env["GRAPHITE_PYTHON"] ?? "/usr/bin/python3";
const GRAPHITE_MODULES = [
  "/usr/lib/python3/dist-packages/graphite/wsgi.py",
  "/usr/lib/python3/dist-packages/whisper.py",
];
export const GRAPHITE_DEPLOYMENTS = ["checkout-baseline", "checkout-canary"] as const;
export type GraphiteDeployment = (typeof GRAPHITE_DEPLOYMENTS)[number];
export const GRAPHITE_PODS = ["a", "b"] as const;
export const GRAPHITE_STEP_SECONDS = 60;

/** `checkout.<deployment>.errors.rate`: the canary's error rate is five times the baseline's, with a repeating pattern. */
export function errorRate(deployment: GraphiteDeployment, i: number): number {
  return (deployment === "checkout-canary" ? 2.5 : 0.5) + (i % 4) * 0.05;
}
/** `checkout.<deployment>.pods.<pod>.cpu`: the same on both sides (a healthy metric, one series per pod). */
export function cpu(pod: (typeof GRAPHITE_PODS)[number], i: number): number {
  return 40 + (pod === "b" ? 3 : 0) + (i % 6);
}

export interface GraphiteData {
  startSec: number;
  endSec: number;
  series: Record<string, [number, number][]>;
}

/** Series for `hours` ending at `endSec` (plus `bench.<deployment>.m<k>` for the benchmark). */
export function generateGraphiteSeries(endSec: number, hours = 2, benchMetrics = 0): GraphiteData {
  const n = Math.floor((hours * 3600) / GRAPHITE_STEP_SECONDS);
  const startSec = endSec - n * GRAPHITE_STEP_SECONDS;
  const series: Record<string, [number, number][]> = {};
  const add = (name: string, t: number, v: number) => (series[name] ??= []).push([t, v]);
  for (let i = 0; i <= n; i++) {
    const t = startSec + i * GRAPHITE_STEP_SECONDS;
    for (const d of GRAPHITE_DEPLOYMENTS) {
      add(`checkout.${d}.errors.rate`, t, errorRate(d, i));
      for (const pod of GRAPHITE_PODS) add(`checkout.${d}.pods.${pod}.cpu`, t, cpu(pod, i));
      // The target of Kayenta's own integration test config: integrationTestCpu.namespace.*.scope.$scope.
      add(`integrationTestCpu.namespace.shop.scope.${d}`, t, errorRate(d, i) * 10);
      for (let k = 0; k < benchMetrics; k++)
        add(`bench.${d}.m${k}`, t, k + (i % 7) + (d.endsWith("canary") ? 1 : 0));
    }
  }
  return { startSec, endSec, series };
}

export interface GraphiteServer {
  url: string;
  data: GraphiteData;
  stop(): Promise<void>;
}

export function graphiteUnavailable(): string | undefined {
  if (!existsSync(GRAPHITE_PYTHON)) return `${GRAPHITE_PYTHON} is not installed`;
  for (const m of GRAPHITE_MODULES) if (!existsSync(m)) return `${m} is not installed`;
  return undefined;
}

/** True when graphite-web can run; without it, prints why (false), or with CI=true throws. */
export function graphiteTestsEnabled(): boolean {
  return serviceTestsEnabled("Graphite", graphiteUnavailable(), "graphite-web graphite-carbon");
}

/** Backfill whisper files in a temp dir and serve graphite-web's render API on a free loopback port. */
export async function startGraphite(
  options: { hours?: number; benchMetrics?: number } = {},
): Promise<GraphiteServer> {
  const reason = graphiteUnavailable();
  if (reason !== undefined) throw new Error(`cannot start Graphite: ${reason}`);
  const dir = await mkdtemp(join(tmpdir(), "coalmine-graphite-"));
  const endSec = Math.floor(Date.now() / 60_000) * 60 - 10 * 60;
  const data = generateGraphiteSeries(endSec, options.hours ?? 2, options.benchMetrics ?? 0);
  const spec = join(dir, "data.json");
  await writeFile(
    spec,
    JSON.stringify({ step: GRAPHITE_STEP_SECONDS, retention: 7 * 86_400, series: data.series }),
  );
  const port = await freePort();
  const child = spawn(GRAPHITE_PYTHON, [join(__dirname, "graphite-web.py"), dir, String(port), spec], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const log = tail(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(
      "graphite-web",
      child,
      async () => (await fetch(`${url}/render?target=none&format=json`)).ok,
      log,
      60_000,
    );
    return { url, data, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
