// When do A/A false fails happen? (tuning aid; tune seeds only)
import { DEFAULT_V2_PARAMS, sequentialV2With } from "../src/judge/sequential-v2/sequential-v2-judge";
import { runSequentialV2, seedOf } from "./accuracy";
import { KINDS, simulateKind } from "./sim/production-sim";
const p = { ...DEFAULT_V2_PARAMS, ...JSON.parse(process.argv[2] ?? "{}") };
const judge = sequentialV2With(p);
const runs = Number(process.env.RUNS ?? "300");
for (const kind of (process.env.KINDS ?? "cpu,network,latency").split(",") as Array<"cpu">) {
  const times: string[] = [];
  for (let r = 0; r < runs; r++) {
    const arms = simulateKind(kind, { type: "none" }, 180, seedOf("tune", 5000 + KINDS.indexOf(kind), r));
    const o = runSequentialV2(judge, kind, arms);
    if (o.failed) {
      // Re-run to read the reason of the failing judgement.
      let why = "";
      const spy = { ...judge, judge: (i: Parameters<typeof judge.judge>[0]) => { const out = judge.judge(i); if (out.decision === "fail" && !why) why = /\((\w+) test/.exec(out.result.results[0]!.classificationReason ?? "")?.[1] ?? "?"; return out; } };
      runSequentialV2(spy, kind, arms);
      times.push(`${o.minutes}m:${why}`);
    }
  }
  console.log(kind, `${times.length}/${runs}`, times.join(" "));
}
