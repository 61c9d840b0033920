// Where users wait, each figure from fresh `node` processes running the build (`npm run build` first):
// loading the Functions entry against the two bare SDKs, `coalmine judge` file → verdict (200 and 1,000 pairs), the
// judge alone and the reading and parsing of the pairs file alone (what the judge's figure cannot go below),
// the demo on the default storage and in memory, a 100-metric 3-hour retrospective analysis; peak memory of each.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const PAIRS = 200;
const POINTS = 1000;
/** A larger batch for `coalmine judge`, to show what is paid once per process. */
const BIG_BATCH = 1000;

interface Sample {
  /** Wall time of the process's own work, from the preload (after Node's start-up) to exit. */
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  /** Wall time of the whole process, spawn to exit. */
  processMs: number;
  /** What the probe itself reports (e.g. the judge alone). */
  extra?: Record<string, number>;
}

/** Loaded first in every child: records work time, CPU and peak RSS at exit, on stderr behind a marker. */
const PRELOAD = `
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
process.on("exit", () => {
  const u = process.cpuUsage(c0);
  const figures = {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpuMs: (u.user + u.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    extra: globalThis.__benchExtra,
  };
  require("node:fs").writeSync(2, "\\n@@bench " + JSON.stringify(figures) + "\\n");
});
`;

let workDir = "";

/** Runs `node <args>` with the preload; `exitCodes` are the ones that mean it did its work (a verdict for the CLI). */
function probe(args: string[], env: Record<string, string | undefined> = {}, exitCodes = [0]): Sample {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["-r", join(workDir, "preload.cjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  const line = child.stderr.split("\n").find((l) => l.startsWith("@@bench "));
  if (!line || child.error || !exitCodes.includes(child.status ?? -1)) {
    throw new Error(
      `probe ${args.join(" ")} failed (status ${child.status}): ${child.error?.message ?? child.stderr.slice(-2000)}`,
    );
  }
  return { ...(JSON.parse(line.slice("@@bench ".length)) as Omit<Sample, "processMs">), processMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Summary {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  processMs: number;
  extra: Record<string, number>;
}

function summarize(samples: Sample[]): Summary {
  const extraKeys = Object.keys(samples[0]?.extra ?? {});
  return {
    ms: median(samples.map((s) => s.ms)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
    processMs: median(samples.map((s) => s.processMs)),
    extra: Object.fromEntries(extraKeys.map((k) => [k, median(samples.map((s) => s.extra?.[k] ?? NaN))])),
  };
}

/** Runs the probes round-robin `rounds` times, so load on the machine hits each alike. */
function interleaved(rounds: number, probes: Record<string, () => Sample>): Record<string, Summary> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, p] of Object.entries(probes)) samples[k]!.push(p());
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summarize(s)]));
}

/** MINSTD uniform in (0, 1), seeded (the data of judge.bench.ts). */
function uniforms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function writeJudgeInputs(pairCount = PAIRS): { config: string; pairs: string } {
  const series = (seed: number, kind: number) => {
    const u = uniforms(seed);
    const gauss = () => u() + u() + u() + u() - 2;
    const make = (shift: number) =>
      Array.from({ length: POINTS }, () =>
        kind === 0
          ? 0.2 + 0.02 * gauss() + shift * 0.01
          : kind === 1
            ? Math.floor(u() * 20) + shift
            : u() < 0.9
              ? 0
              : u() * (1 + shift),
      );
    const shift = seed % 3 === 0 ? 1 : 0;
    return { control: make(0), experiment: make(shift) };
  };
  // A canary config holds at most 100 metrics (docs/configuration.md, limits), so each metric has several pairs,
  // told apart by a tag as Kayenta's pairs of one metric are; the series are the same as with one metric per pair.
  const metrics = Math.min(100, pairCount);
  const config = {
    name: "bench",
    metrics: Array.from({ length: metrics }, (_, m) => ({
      name: `m${m}`,
      groups: [`g${m % 4}`],
      query: { type: "prometheus", metricName: `m${m}` },
    })),
  };
  const pairs = Array.from({ length: pairCount }, (_, i) => ({
    name: `m${i % metrics}`,
    tags: { copy: String(Math.floor(i / metrics)) },
    values: series(i + 1, i % 3),
  }));
  const paths = {
    config: join(workDir, `judge-config-${pairCount}.json`),
    pairs: join(workDir, `judge-pairs-${pairCount}.json`),
  };
  writeFileSync(paths.config, JSON.stringify(config));
  writeFileSync(paths.pairs, JSON.stringify(pairs));
  return paths;
}

/** 100 metrics, baseline and canary at a 10-second step over 3 hours, one recorded-series file. */
function writeRetrospective(): string {
  const dir = join(workDir, "retro");
  const start = Date.parse("2026-11-23T07:00:00Z");
  const n = (3 * 3600) / 10;
  const series = [];
  for (let m = 0; m < 100; m++) {
    for (const scope of ["baseline", "canary"]) {
      const u = uniforms(1 + m * 2 + (scope === "canary" ? 1 : 0));
      const values = Array.from({ length: n }, () => Math.round((50 + 10 * (u() + u() + u())) * 100) / 100);
      series.push({ metric: `metric-${m}`, scope, step: 10, start: new Date(start).toISOString(), values });
    }
  }
  const request = {
    application: "bench",
    metricsAccount: "retro",
    canaryConfig: {
      name: "retrospective",
      metrics: Array.from({ length: 100 }, (_, m) => ({
        name: `metric-${m}`,
        groups: [`g${m % 5}`],
        query: { type: "file", metricName: `metric-${m}` },
      })),
    },
    scopes: { default: { baseline: { scope: "baseline" }, canary: { scope: "canary" }, step: "PT10S" } },
    stages: [{ name: "3h", duration: "PT3H", interval: "PT10M" }],
    startTime: new Date(start).toISOString(),
    // Kayenta's judge never ends a stage early, so all 18 judgements of 100 metrics run.
    judge: "NetflixACAJudge-v1.0",
  };
  spawnSync("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "series.json"), JSON.stringify({ series }));
  writeFileSync(join(dir, "request.json"), JSON.stringify(request));
  return dir;
}

const fmt = (x: number, digits = 0): string => x.toFixed(digits);

export async function run(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { main: string };
  const entry = join(ROOT, pkg.main);
  const bin = join(ROOT, "bin", "coalmine.js");
  if (!existsSync(entry)) throw new Error(`${pkg.main} is missing: run npm run build first`);
  workDir = mkdtempSync(join(tmpdir(), "coalmine-perf-"));
  writeFileSync(join(workDir, "preload.cjs"), PRELOAD);
  // The judge alone, bundled like the CLI (the build has no per-module files).
  await build({
    entryPoints: [join(ROOT, "src", "judge", "registry.ts")],
    outfile: join(workDir, "judge-core.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    keepNames: true,
    logLevel: "warning",
  });
  try {
    console.log(`load average ${loadavg()[0]!.toFixed(1)} (medians of fresh processes; peak RSS is the max)`);
    const rows: string[][] = [["figure", "wall ms", "CPU ms", "peak RSS MB", "process ms"]];
    const row = (label: string, s: Summary, wall = fmt(s.ms)): void => {
      rows.push([label, wall, fmt(s.cpuMs), fmt(s.maxRssMb), fmt(s.processMs)]);
    };
    /** A row of times divided by the number of pairs the process handled. */
    const perPairRow = (label: string, s: Summary, pairs: number): void => {
      rows.push([
        label,
        fmt(s.ms / pairs, 2),
        fmt(s.cpuMs / pairs, 2),
        fmt(s.maxRssMb),
        fmt(s.processMs / pairs, 2),
      ]);
    };

    const load = interleaved(7, {
      sdks: () => probe(["-e", 'require("@azure/functions"); require("durable-functions");']),
      entry: () => probe(["-e", `require(${JSON.stringify(entry)});`]),
    });
    row("load @azure/functions + durable-functions", load.sdks!);
    row(`load the Functions entry (${pkg.main})`, load.entry!);

    const { config, pairs } = writeJudgeInputs();
    const judgeArgs = [bin, "judge", "--config", config, "--pairs", pairs];
    const judgeCore = `
      const { readFileSync } = require("node:fs");
      const { getJudge } = require(${JSON.stringify(join(workDir, "judge-core.js"))});
      const config = JSON.parse(readFileSync(${JSON.stringify(config)}, "utf8"));
      const pairs = JSON.parse(readFileSync(${JSON.stringify(pairs)}, "utf8"));
      const judge = getJudge("NetflixACAJudge-v1.0");
      const input = { config, thresholds: { pass: 95, marginal: 75 }, pairs };
      const t0 = process.hrtime.bigint();
      judge.judge(input);
      const cold = Number(process.hrtime.bigint() - t0) / 1e6;
      const warm = [];
      for (let r = 0; r < 5; r++) {
        const t = process.hrtime.bigint();
        judge.judge(input);
        warm.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      warm.sort((a, b) => a - b);
      globalThis.__benchExtra = { coldPerPair: cold / ${PAIRS}, warmPerPair: warm[2] / ${PAIRS} };`;
    // The least any `coalmine judge` of these pairs must spend besides judging them: reading and parsing the file.
    const parseOnly = `JSON.parse(require("node:fs").readFileSync(${JSON.stringify(pairs)}, "utf8"));`;
    const judge = interleaved(5, {
      e2e: () => probe(judgeArgs, {}, [0, 1, 2]),
      core: () => probe(["-e", judgeCore]),
      parse: () => probe(["-e", parseOnly]),
    });
    const e2e = judge.e2e!;
    const core = judge.core!;
    perPairRow(`coalmine judge ${PAIRS} pairs × ${POINTS} points, file → verdict, ms per pair`, e2e, PAIRS);
    rows.push([
      "  the judge alone (already parsed), ms per pair: first run / warm",
      `${fmt(core.extra.coldPerPair!, 2)} / ${fmt(core.extra.warmPerPair!, 2)}`,
      "",
      fmt(core.maxRssMb),
      "",
    ]);
    perPairRow("  reading and JSON.parse of the pairs file alone, ms per pair", judge.parse!, PAIRS);
    // Start-up, loading and the judge's first optimizations are paid once per process: a larger batch spreads them.
    const big = writeJudgeInputs(BIG_BATCH);
    const batch = interleaved(3, {
      e2e: () => probe([bin, "judge", "--config", big.config, "--pairs", big.pairs], {}, [0, 1, 2]),
    }).e2e!;
    perPairRow(
      `coalmine judge ${BIG_BATCH} pairs × ${POINTS} points, file → verdict, ms per pair`,
      batch,
      BIG_BATCH,
    );

    const demoEnv = {
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([
        { name: "demo-files", type: "file", endpoint: join(ROOT, "examples", "demo") },
      ]),
    };
    const demoArgs = [bin, "run", join(ROOT, "examples", "demo", "request.json")];
    const demo = interleaved(3, {
      default: () => probe(demoArgs, { ...demoEnv, COALMINE_STORAGE: "" }, [0, 1, 2]),
      memory: () => probe(demoArgs, { ...demoEnv, COALMINE_STORAGE: "memory" }, [0, 1, 2]),
    });
    row("coalmine run of the demo, default storage", demo.default!);
    row("coalmine run of the demo, COALMINE_STORAGE=memory", demo.memory!);

    const retro = writeRetrospective();
    const retroEnv = {
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([{ name: "retro", type: "file", endpoint: retro }]),
    };
    const retroArgs = [bin, "run", join(retro, "request.json")];
    const retrospective = interleaved(1, {
      default: () => probe(retroArgs, { ...retroEnv, COALMINE_STORAGE: "" }, [0, 1, 2]),
      memory: () => probe(retroArgs, { ...retroEnv, COALMINE_STORAGE: "memory" }, [0, 1, 2]),
    });
    row("100 metrics, 3 h, 18 judgements (retrospective), default storage", retrospective.default!);
    row("  the same, COALMINE_STORAGE=memory", retrospective.memory!);

    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows)
      console.log(
        r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "),
      );
    console.log(
      `ratios: entry / bare SDKs ${fmt(load.entry!.ms / load.sdks!.ms, 2)} (CPU ${fmt(load.entry!.cpuMs / load.sdks!.cpuMs, 2)}); ` +
        `demo default / memory ${fmt(demo.default!.ms / demo.memory!.ms, 2)} (CPU ${fmt(demo.default!.cpuMs / demo.memory!.cpuMs, 2)})`,
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
