// `npx tsx bench/real-traces/select-pairs.ts [month…]`: finds the pairs of GWA-T-12 Rnd VMs that behave
// as two hosts behind the same load, and writes them to bench/real-traces/pairs.json (committed, so the
// bench loads only the VMs it needs). The rule, over the whole month (bench/real-traces/README.md):
//  - a VM takes part when its CPU usage is present in ≥ 90 % of the month's 5-minute slots, its mean is
//    above 50 MHz and fewer than 20 % of its CPU samples are 0;
//  - two VMs pair when the Pearson correlation of log(1 + CPU MHz) over the slots both have is > 0.9
//    and their mean CPU usages are within a factor 1.25 of each other;
//  - pairs are taken greedily by correlation, each VM in at most two pairs (so no large family of
//    replicas dominates).
// Only CPU decides the pairing; the other metrics of a pair are used as they are.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gridStart, MONTHS, readVmRows, toGrid, tracesDir, type Month, type VmTrace } from "./bitbrains";

const MIN_COVERAGE = 0.9;
const MIN_MEAN_MHZ = 50;
const MAX_ZERO_SHARE = 0.2;
const MIN_CORRELATION = 0.9;
const MAX_RATIO = 1.25;
const MAX_PAIRS_PER_VM = 2;

export interface Pair {
  a: number;
  b: number;
  /** Correlation of log(1 + CPU MHz) over the month. */
  r: number;
  /** mean CPU(a) / mean CPU(b) over the month. */
  ratio: number;
}

function monthTraces(dir: string, month: Month): VmTrace[] {
  const ids = readdirSync(join(dir, month))
    .filter((f) => /^\d+\.csv$/.test(f))
    .map((f) => Number(f.slice(0, -4)))
    .sort((x, y) => x - y);
  const rows = new Map<number, number[][]>();
  for (const id of ids) rows.set(id, readVmRows(dir, month, id));
  const start = gridStart(rows);
  let end = start;
  for (const r of rows.values()) end = Math.max(end, r[r.length - 1]![0]!);
  const slots = Math.round((end - start) / 300) + 1;
  return ids.map((id) => toGrid(id, rows.get(id)!, start, slots));
}

export function selectPairs(traces: VmTrace[]): Pair[] {
  const active = traces.filter((t) => {
    const cpu = t.series.cpu;
    let present = 0;
    let zeros = 0;
    let sum = 0;
    for (const x of cpu)
      if (!Number.isNaN(x)) {
        present++;
        sum += x;
        if (x === 0) zeros++;
      }
    return (
      present >= MIN_COVERAGE * cpu.length && sum / present > MIN_MEAN_MHZ && zeros < MAX_ZERO_SHARE * present
    );
  });
  const logs = active.map((t) => t.series.cpu.map((x) => (Number.isNaN(x) ? Number.NaN : Math.log1p(x))));
  const means = active.map((t) => {
    let s = 0;
    let n = 0;
    for (const x of t.series.cpu)
      if (!Number.isNaN(x)) {
        s += x;
        n++;
      }
    return s / n;
  });
  const candidates: Pair[] = [];
  for (let i = 0; i < active.length; i++)
    for (let j = i + 1; j < active.length; j++) {
      const ratio = means[i]! / means[j]!;
      if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) continue;
      const x = logs[i]!;
      const y = logs[j]!;
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let k = 0; k < x.length; k++) {
        const u = x[k]!;
        const v = y[k]!;
        if (Number.isNaN(u) || Number.isNaN(v)) continue;
        n++;
        sx += u;
        sy += v;
        sxx += u * u;
        syy += v * v;
        sxy += u * v;
      }
      const r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
      if (r > MIN_CORRELATION) candidates.push({ a: active[i]!.id, b: active[j]!.id, r, ratio });
    }
  candidates.sort((p, q) => q.r - p.r);
  const uses = new Map<number, number>();
  const chosen: Pair[] = [];
  for (const p of candidates) {
    if ((uses.get(p.a) ?? 0) >= MAX_PAIRS_PER_VM || (uses.get(p.b) ?? 0) >= MAX_PAIRS_PER_VM) continue;
    uses.set(p.a, (uses.get(p.a) ?? 0) + 1);
    uses.set(p.b, (uses.get(p.b) ?? 0) + 1);
    chosen.push({ a: p.a, b: p.b, r: Number(p.r.toFixed(4)), ratio: Number(p.ratio.toFixed(4)) });
  }
  return chosen.sort((p, q) => p.a - q.a || p.b - q.b);
}

function main(): void {
  const dir = tracesDir();
  const months = (process.argv.length > 2 ? process.argv.slice(2) : ["2013-7", "2013-8"]) as Month[];
  const out: Record<string, Pair[]> = {};
  for (const month of months) {
    if (!MONTHS.includes(month)) throw new Error(`unknown month ${month}: one of ${MONTHS.join(", ")}`);
    out[month] = selectPairs(monthTraces(dir, month));
    console.log(`${month}: ${out[month].length} pairs`);
  }
  writeFileSync(join(__dirname, "pairs.json"), JSON.stringify(out, null, 1) + "\n");
}

if (require.main === module) main();
