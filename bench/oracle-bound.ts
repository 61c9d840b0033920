// An upper bound for any judge on the accuracy bench (docs/judges.md): per metric kind, a single test at
// the end of the canary on ln(Σcanary/Σbaseline) over the window where the regression is, with its
// threshold set at the 99th percentile of the same statistic over A/A runs (exactly 1 % false fails,
// an oracle no real judge has). Detection at that threshold is what a 1 %-false-alarm judge can reach
// with one look and perfect knowledge of the noise.
import { MODES, seedOf } from "./accuracy";
import { KINDS, simulateKind } from "./sim/production-sim";

const AA = Number(process.env.ORACLE_AA ?? "3000");
const stat = (b: number[], c: number[], from: number): number => {
  let sb = 0;
  let sc = 0;
  for (let t = from; t < b.length; t++) {
    sb += b[t]!;
    sc += c[t]!;
  }
  return Math.log((sc + 1e-9) / (sb + 1e-9));
};
const rows: string[] = [
  "| failure mode | oracle detected (mean over kinds) | per kind |",
  "| --- | --- | --- |",
];
let cases = 0;
let detected = 0;
for (const m of MODES) {
  if (m.mode.type === "none") continue;
  const from = m.mode.type === "level" ? m.mode.fromMinute : 0;
  const cells: string[] = [];
  const rates: number[] = [];
  for (const kind of KINDS) {
    if (m.kinds && !m.kinds.includes(kind)) continue;
    const aa: number[] = [];
    for (let r = 0; r < AA; r++) {
      const a = simulateKind(
        kind,
        { type: "none" },
        180,
        seedOf("tune", 1000, r + 7919 * KINDS.indexOf(kind)),
      );
      aa.push(stat(a.baseline, a.canary, from));
    }
    aa.sort((x, y) => x - y);
    const q = aa[Math.floor(0.99 * AA)]!;
    let hit = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const a = simulateKind(kind, m.mode, 180, seedOf("report", 2000, r + 7919 * KINDS.indexOf(kind)));
      if (stat(a.baseline, a.canary, from) > q) hit += 1;
    }
    cells.push(`${kind} ${((100 * hit) / runs).toFixed(0)}%`);
    rates.push(hit / runs);
  }
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  cases += rates.length;
  detected += rates.reduce((a, b) => a + b, 0);
  rows.push(`| ${m.name} | ${(100 * mean).toFixed(1)}% | ${cells.join(", ")} |`);
}
rows.push(`| **all regressions** | **${((100 * detected) / cases).toFixed(1)}%** | |`);
console.log(rows.join("\n"));
