// The real-trace accuracy bench's own parts (docs/real-trace-bench.md): reading GWA-T-12 files onto the
// 5-minute grid, the replica-pair rule, window eligibility and the injected failure modes. The bench's
// figures are printed by `npm run bench:accuracy-real`, not tested here.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eligibleWindows, inject, type Window } from "../../bench/accuracy-real";
import { MODES, type FailureMode } from "../../bench/accuracy";
import { loadMonth, readVmRows, TraceError, type VmTrace } from "../../bench/real-traces/bitbrains";
import { selectPairs } from "../../bench/real-traces/select-pairs";
import { createRng } from "../../bench/sim/prng";

const HEADER =
  "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\t" +
  "Memory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\t" +
  "Disk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

function row(t: number, cpu: number, dr: number, dw: number, rx: number, tx: number): string {
  return [t, 2, 5852, cpu, cpu / 58.52, 8e6, 1e6, dr, dw, rx, tx].join(";\t");
}

function writeVm(dir: string, id: number, rows: string[]): void {
  mkdirSync(join(dir, "2013-8"), { recursive: true });
  writeFileSync(join(dir, "2013-8", `${id}.csv`), [HEADER, ...rows, ""].join("\n"));
}

/** A VM trace built in memory: every metric from a function of the slot. */
function trace(id: number, n: number, f: (t: number) => Partial<Record<string, number>>): VmTrace {
  const s = (k: string): Float64Array => Float64Array.from({ length: n }, (_, t) => f(t)[k] ?? 0);
  return {
    id,
    start: 0,
    series: {
      cpu: s("cpu"),
      "disk write": s("dw"),
      "disk read": s("dr"),
      "network rx": s("rx"),
      "network tx": s("tx"),
    },
  };
}

const mode = (name: string): FailureMode => MODES.find((m) => m.name === name)!;

describe("GWA-T-12 files", () => {
  it("puts each VM on the month's 300-second grid, NaN where a row is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "rnd-"));
    writeVm(dir, 1, [row(1000, 10, 1, 2, 3, 4), row(1301, 11, 0, 2, 3, 4), row(1900, 12, 0, 5, 3, 4)]);
    writeVm(dir, 2, [row(1001, 20, 0, 0, 0, 0), row(1299, 21, 0, 0, 0, 0), row(1600, 22, 0, 0, 0, 0)]);
    const traces = loadMonth(dir, "2013-8", [1, 2]);
    const a = traces.get(1)!.series;
    const b = traces.get(2)!.series;
    expect([...a.cpu]).toEqual([10, 11, Number.NaN, 12]);
    expect([...a["disk write"]]).toEqual([2, 2, Number.NaN, 5]);
    expect([...a["disk read"]]).toEqual([1, 0, Number.NaN, 0]);
    expect([...a["network rx"]].slice(0, 2)).toEqual([3, 3]);
    expect([...a["network tx"]].slice(0, 2)).toEqual([4, 4]);
    expect([...b.cpu]).toEqual([20, 21, 22, Number.NaN]);
  });

  it("names the file and line of a malformed row", () => {
    const dir = mkdtempSync(join(tmpdir(), "rnd-"));
    writeVm(dir, 7, [row(1000, 10, 1, 2, 3, 4), "1300;\t2;\tx"]);
    expect(() => readVmRows(dir, "2013-8", 7)).toThrow(TraceError);
    expect(() => readVmRows(dir, "2013-8", 7)).toThrow(/2013-8\/7\.csv:3: expected 11 numeric columns/);
    expect(() => readVmRows(dir, "2013-8", 8)).toThrow(/8\.csv: no such trace file/);
  });
});

describe("replica pairs", () => {
  it("pairs VMs that follow the same course at the same level, not a VM at twice the level or an unrelated one", () => {
    const n = 2000;
    const load = (t: number): number => 1000 * Math.exp(Math.sin((2 * Math.PI * t) / 288));
    const rng = createRng(7);
    const wiggle = Array.from({ length: n }, () => 0.02 * rng.normal());
    const traces = [
      trace(1, n, (t) => ({ cpu: load(t) * (1 + wiggle[t]!) })),
      trace(2, n, (t) => ({ cpu: load(t) * (1 - wiggle[t]!) })),
      trace(3, n, (t) => ({ cpu: 2 * load(t) })),
      trace(4, n, () => ({ cpu: 1000 * Math.exp(rng.normal()) })),
      trace(5, n, (t) => ({ cpu: t % 2 === 0 ? 0 : load(t) })),
    ];
    expect(selectPairs(traces).map((p) => [p.a, p.b])).toEqual([[1, 2]]);
  });
});

describe("windows and injections", () => {
  const n = 600;
  const rng = createRng(11);
  const a = trace(1, n, (t) => ({ cpu: 100 + t, dr: t % 40 === 0 ? 5 : 0, rx: t % 3 === 0 ? 0 : 2 }));
  const b = trace(2, n, (t) => ({ cpu: 200 + t, dr: 0, rx: t % 2 === 0 ? 0 : 3 }));
  const traces = new Map([
    [1, a],
    [2, b],
  ]);
  const pairs = [{ a: 1, b: 2 }];

  it("keeps only windows whose zeros fit the mode on both hosts", () => {
    const zero = eligibleWindows(traces, pairs, "disk read", "zero-baseline");
    expect(zero.length).toBeGreaterThan(0);
    for (const w of zero) {
      expect(w.baseline.filter((x) => x !== 0).length).toBeLessThanOrEqual(5);
      expect(w.canary.filter((x) => x !== 0).length).toBeLessThanOrEqual(5);
    }
    expect(eligibleWindows(traces, pairs, "network rx", "zero-inflated").length).toBeGreaterThan(0);
    expect(eligibleWindows(traces, pairs, "disk read", "canary-active")).toEqual([]);
    expect(eligibleWindows(traces, pairs, "cpu", "any")).toHaveLength(2 * Math.floor((n - 180) / 6 + 1));
  });

  const w: Window = eligibleWindows(traces, pairs, "cpu", "any")[3]!;

  it("takes each instant's baseline and canary from the two hosts, the canary × factor from sample 60", () => {
    const arms = inject(mode("stage 2 only +25%"), w, rng);
    for (let t = 0; t < 180; t++) {
      const f = t >= 60 ? 1.25 : 1;
      const x = w.baseline[t]!;
      const y = w.canary[t]!;
      const b0 = arms.baseline[t]!;
      const c0 = arms.canary[t]!;
      expect((b0 === x && c0 === y * f) || (b0 === y && c0 === x * f)).toBe(true);
    }
  });

  it("adds sparse events of the canary host's typical size on a zero baseline, nothing else", () => {
    const zw = eligibleWindows(traces, pairs, "disk read", "zero-baseline")[0]!;
    const arms = inject(mode("sparse errors, zero baseline"), zw, createRng(3));
    // The canary arm's own value at t is the host value the baseline arm did not take.
    const extra = arms.canary.map(
      (c, t) => c - (arms.baseline[t] === zw.baseline[t] ? zw.canary[t]! : zw.baseline[t]!),
    );
    expect(extra.filter((x) => x > 0).length).toBeGreaterThan(5);
    for (const x of extra) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x / zw.canaryEvent).toBeCloseTo(Math.round(x / zw.canaryEvent), 9);
    }
  });
});
