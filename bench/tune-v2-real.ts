// Tuning aid for coalmine-sequential-v2 on the real-trace bench (July = tune month only; docs/real-trace-bench.md).
// Variants as in bench/tune-v2.ts; WHY=1 tallies which test made each A/A canary fail.
import { getJudge } from "../src/judge/registry";
import { DEFAULT_V2_PARAMS, sequentialV2With } from "../src/judge/sequential-v2/sequential-v2-judge";
import { variantsFromArgs, withOverrides } from "./v2-variants";
import type { Judge } from "../src/judge/types";
import { runRealBench, type Pair } from "./accuracy-real";
import { MODES, printBench, runKayenta, runSequentialV2 } from "./accuracy";
import { loadMonth, tracesDir } from "./real-traces/bitbrains";
import pairsByMonth from "./real-traces/pairs.json";

const why = new Map<string, number>();
const spy = (j: Judge, label: string): Judge => ({
  ...j,
  judge: (input) => {
    const out = j.judge(input);
    if (out.decision === "fail" && input.previousState !== undefined) {
      const r = out.result.results.find((x) => x.resultMetadata?.decision === "fail");
      const t = /\((\w+) test/.exec(r?.classificationReason ?? "")?.[1] ?? "?";
      const key =
        process.env.WHY === "2"
          ? `${label}:${input.config.name}:${t}: ${r?.classificationReason ?? ""}`
          : `${label}:${input.config.name}:${t}`;
      why.set(key, (why.get(key) ?? 0) + 1);
    }
    return out;
  },
});
const month = "2013-7";
const pairs = (pairsByMonth as Record<string, Pair[]>)[month]!;
const traces = loadMonth(tracesDir(), month, [...new Set(pairs.flatMap((p) => [p.a, p.b]))]);
const variants = variantsFromArgs(process.argv.slice(2));
variants.forEach((v, i) => console.log(`x${i + 1} = ${JSON.stringify(v)}`));
const only = process.env.BENCH_ONLY;
const res = runRealBench(
  [
    ...(process.env.NO_KAYENTA
      ? []
      : [{ label: "Kayenta", judge: getJudge("NetflixACAJudge-v1.0"), run: runKayenta }]),
    { label: "v2", judge: spy(sequentialV2With(DEFAULT_V2_PARAMS), "v2"), run: runSequentialV2 },
    ...variants.map((v, i) => ({
      label: `x${i + 1}`,
      judge: spy(sequentialV2With(withOverrides(v)), `x${i + 1}`),
      run: runSequentialV2,
    })),
  ],
  "tune",
  traces,
  pairs,
  Number(process.env.BENCH_SCALE ?? "0.5"),
  only ? MODES.filter((m) => m.name === "A/A" || m.name.includes(only)) : MODES,
);
for (const l of printBench(res)) console.log(l);
if (process.env.WHY) console.log([...why].map(([k, n]) => `${k} ${n}`).join("\n"));
