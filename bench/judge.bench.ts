// Judge throughput: 200 metric set pairs of 1,000 points a side through NetflixACAJudge-v1.0, ms per pair (target ≤ 1).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { CanaryConfig } from "../src/config/canary-config.schema";
import { mannWhitney } from "../src/judge/mann-whitney";
import { judgeNetflixAca } from "../src/judge/netflix-aca-judge";
import type { MetricSetPair } from "../src/judge/types";

const PAIRS = 200;
const POINTS = 1000;

/** MINSTD uniform in (0, 1), seeded: the same data on every run. */
function uniforms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function series(seed: number, kind: number): { control: number[]; experiment: number[] } {
  const u = uniforms(seed);
  const gauss = () => u() + u() + u() + u() - 2;
  const make = (shift: number) =>
    Array.from({ length: POINTS }, () => {
      switch (kind) {
        case 0: // latency-like, continuous
          return 0.2 + 0.02 * gauss() + shift * 0.01;
        case 1: // counts with many ties
          return Math.floor(u() * 20) + shift;
        default: // zero-inflated error rate
          return u() < 0.9 ? 0 : u() * (1 + shift);
      }
    });
  const shift = seed % 3 === 0 ? 1 : 0;
  return { control: make(0), experiment: make(shift) };
}

export async function run(): Promise<void> {
  const config: CanaryConfig = {
    name: "bench",
    metrics: Array.from({ length: PAIRS }, (_, i) => ({
      name: `m${i}`,
      groups: [`g${i % 4}`],
      query: { type: "prometheus" as const, metricName: `m${i}` },
    })),
  };
  const pairs: MetricSetPair[] = Array.from({ length: PAIRS }, (_, i) => ({
    name: `m${i}`,
    tags: {},
    values: series(i + 1, i % 3),
  }));

  judgeNetflixAca(config, { pass: 95, marginal: 75 }, pairs); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    judgeNetflixAca(config, { pass: 95, marginal: 75 }, pairs);
    wall.push((performance.now() - t0) / PAIRS);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / PAIRS);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(
    `NetflixACAJudge-v1.0: ${PAIRS} pairs × ${POINTS} points a side (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(
    `  judge, ms per pair: wall median ${wall[2]!.toFixed(3)} (best ${wall[0]!.toFixed(3)}), CPU median ${cpu[2]!.toFixed(3)} (best ${cpu[0]!.toFixed(3)})`,
  );

  const c1 = process.cpuUsage();
  const t1 = performance.now();
  for (const p of pairs) mannWhitney(p.values.experiment, p.values.control, { confidenceLevel: 0.98 });
  const c = process.cpuUsage(c1);
  console.log(
    `  mann-whitney alone (CI, estimate, p-value), ms per pair: wall ${((performance.now() - t1) / PAIRS).toFixed(3)}, CPU ${((c.user + c.system) / 1000 / PAIRS).toFixed(3)}`,
  );

  if (existsSync("/usr/bin/Rscript")) {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-bench-"));
    try {
      const sample = pairs.slice(0, 20);
      const csv = sample
        .map((p) => `${p.values.experiment.join(" ")}\n${p.values.control.join(" ")}`)
        .join("\n");
      writeFileSync(join(dir, "pairs.txt"), `${csv}\n`);
      const script = [
        `lines <- readLines("${join(dir, "pairs.txt")}")`,
        "t <- system.time(for (i in seq(1, length(lines), 2)) {",
        "  x <- as.numeric(strsplit(lines[i], ' ')[[1]]); y <- as.numeric(strsplit(lines[i + 1], ' ')[[1]])",
        "  wilcox.test(x, y, exact = FALSE, correct = TRUE, conf.int = TRUE, conf.level = 0.98)",
        "})[['elapsed']]",
        "cat(1000 * t / (length(lines) / 2))",
      ].join("\n");
      writeFileSync(join(dir, "bench.R"), script);
      const ms = execFileSync("/usr/bin/Rscript", [join(dir, "bench.R")], { encoding: "utf8" });
      console.log(
        `  R wilcox.test(conf.int = TRUE, tol.root = 1e-4), ms per pair (20 pairs): ${Number(ms).toFixed(1)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.log("  R: Rscript not installed, comparison skipped");
  }
}
