// Reads the Bitbrains GWA-T-12 "Rnd" per-VM traces (bench/real-traces/README.md says where they come
// from and why they are not in the repository): one CSV per VM and month, a row every 300 s, columns
// separated by ";\t". Each VM's rows are put on the month's common 300-second grid so that two VMs can be
// read at the same instants (a baseline host and a canary host behind the same load).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const STEP_SECONDS = 300;
/** The GWA-T-12 Rnd months, as the dataset names its folders. */
export const MONTHS = ["2013-7", "2013-8", "2013-9"] as const;
export type Month = (typeof MONTHS)[number];

/** The real metrics the bench uses, by their column in the GWA-T-12 files. */
export const METRICS = {
  cpu: { column: 3, title: "CPU usage [MHZ]" },
  "disk write": { column: 8, title: "Disk write throughput [KB/s]" },
  "disk read": { column: 7, title: "Disk read throughput [KB/s]" },
  "network rx": { column: 9, title: "Network received throughput [KB/s]" },
  "network tx": { column: 10, title: "Network transmitted throughput [KB/s]" },
} as const;
export type Metric = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as Metric[];

/** One VM on its month's grid: NaN where the trace has no row for that slot. */
export interface VmTrace {
  id: number;
  /** Unix seconds of grid slot 0 (the month's first timestamp). */
  start: number;
  series: Record<Metric, Float64Array>;
}

/** Where the traces are read from: $BENCH_REAL_TRACES, else bench/real-traces/data/rnd. */
export function tracesDir(): string {
  return resolve(process.env.BENCH_REAL_TRACES ?? join(__dirname, "data", "rnd"));
}

export class TraceError extends Error {}

/** The rows of one VM file as numbers (timestamp first); throws TraceError naming the file and line. */
export function readVmRows(dir: string, month: Month, id: number): number[][] {
  const file = join(dir, month, `${id}.csv`);
  if (!existsSync(file)) throw new TraceError(`${file}: no such trace file`);
  const lines = readFileSync(file, "utf8").split("\n");
  const rows: number[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const cells = line.split(";").map((c) => Number(c.trim()));
    if (cells.length < 11 || cells.some((x) => !Number.isFinite(x)))
      throw new TraceError(`${file}:${i + 1}: expected 11 numeric columns separated by ';'`);
    rows.push(cells);
  }
  if (rows.length === 0) throw new TraceError(`${file}: no data rows`);
  return rows;
}

/** The month's grid start: the earliest timestamp among the given VMs. */
export function gridStart(rowsById: Map<number, number[][]>): number {
  let start = Infinity;
  for (const rows of rowsById.values()) start = Math.min(start, rows[0]![0]!);
  return start;
}

/** Put one VM's rows on the grid (slot = round((t - start) / 300)); later duplicates of a slot win. */
export function toGrid(id: number, rows: number[][], start: number, slots: number): VmTrace {
  const series = Object.fromEntries(
    METRIC_NAMES.map((m) => [m, new Float64Array(slots).fill(Number.NaN)]),
  ) as Record<Metric, Float64Array>;
  for (const row of rows) {
    const slot = Math.round((row[0]! - start) / STEP_SECONDS);
    if (slot < 0 || slot >= slots) continue;
    for (const m of METRIC_NAMES) series[m][slot] = row[METRICS[m].column]!;
  }
  return { id, start, series };
}

/** Load the given VMs of one month on a common grid long enough for all of them. */
export function loadMonth(dir: string, month: Month, ids: readonly number[]): Map<number, VmTrace> {
  const rowsById = new Map<number, number[][]>();
  for (const id of ids) rowsById.set(id, readVmRows(dir, month, id));
  const start = gridStart(rowsById);
  let end = start;
  for (const rows of rowsById.values()) end = Math.max(end, rows[rows.length - 1]![0]!);
  const slots = Math.round((end - start) / STEP_SECONDS) + 1;
  const out = new Map<number, VmTrace>();
  for (const [id, rows] of rowsById) out.set(id, toGrid(id, rows, start, slots));
  return out;
}
