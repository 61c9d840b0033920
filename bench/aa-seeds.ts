// A/A false fails per metric kind over 400 canaries (tuning aid: tune seeds and small seeds).
import { sequentialV2With } from "../src/judge/sequential-v2/sequential-v2-judge";
import { withOverrides } from "./v2-variants";
import { runSequentialV2, seedOf } from "./accuracy";
import { simulateKind } from "./sim/production-sim";
for (const arg of process.argv.slice(2)) {
  const judge = sequentialV2With(withOverrides(JSON.parse(arg) as Record<string, unknown>));
  const out: string[] = [];
  for (const kind of ["latency", "cpu", "network"] as const) {
    let a = 0;
    for (let s = 1; s <= 200; s++) {
      if (runSequentialV2(judge, kind, simulateKind(kind, { type: "none" }, 180, 9000 + s * 7)).failed) a++;
      if (
        runSequentialV2(judge, kind, simulateKind(kind, { type: "none" }, 180, seedOf("tune", 777, s))).failed
      )
        a++;
    }
    out.push(`${kind} ${(a / 4).toFixed(2)}%`);
  }
  console.log(arg, out.join(", "));
}
