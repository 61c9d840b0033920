import { DEFAULT_V2_PARAMS, sequentialV2With } from "../src/judge/sequential-v2/sequential-v2-judge";
import { configFor, pairsFor, seedOf } from "./accuracy";
import { simulateKind } from "./sim/production-sim";
const kind = (process.argv[2] ?? "requests") as any;
const factor = Number(process.argv[3] ?? "1.1");
const p = { ...DEFAULT_V2_PARAMS, ...JSON.parse(process.argv[4] ?? "{}") };
const judge = sequentialV2With(p);
for (let r = 0; r < 3; r++) {
  const arms = simulateKind(kind, { type: "level", factor, fromMinute: 0 }, 180, seedOf("tune", 99, r));
  let state: unknown; let idx = 0; let start = 0;
  for (const [si, minutes] of [60, 120].entries()) {
    for (let i = 0; i < minutes / 10; i++) {
      const out = judge.judge({ config: configFor(kind), thresholds: { pass: 95, marginal: 75 }, pairs: pairsFor(kind, arms, start, start + (i + 1) * 10), trafficRatio: 1, previousState: state, judgementIndex: idx++, stage: { index: si, count: 2, interval: i, intervals: minutes / 10, totalIntervals: 18 } });
      state = out.state;
      const m = out.result.results[0]!;
      const sq = (m.resultMetadata as any).sequential;
      if (i % 3 == 2 || out.decision === "fail") console.log(si, i, out.decision, m.classificationReason, JSON.stringify({ eff: sq.effectivePairs, lnE: sq.lnE_increase_location }));
      if (out.decision === "fail") break;
    }
    start += minutes;
  }
  console.log("----");
}
