// Tuning aid for coalmine-sequential-v2 (docs/judges.md): runs v2 variants on the TUNE seeds only, side by
// side with the Kayenta-compatible judge, and prints the table of bench/accuracy.ts. Variants are JSON
// objects of V2Params overrides: `npx tsx bench/tune-v2.ts '{"lookPower":2}' '{"dfScale":2}'`.
import { getJudge } from "../src/judge/registry";
import {
  DEFAULT_V2_PARAMS,
  sequentialV2With,
  type V2Params,
} from "../src/judge/sequential-v2/sequential-v2-judge";
import { MODES, printBench, runBench, runKayenta, runSequentialV2 } from "./accuracy";

const merge = (o: Record<string, unknown>): V2Params => {
  const out = { ...DEFAULT_V2_PARAMS } as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    const base = out[k];
    out[k] = v && typeof v === "object" && base && typeof base === "object" ? { ...base, ...v } : v;
  }
  return out as unknown as V2Params;
};

const variants = process.argv.slice(2).map((a) => JSON.parse(a) as Record<string, unknown>);
const judges = [
  ...(process.env.NO_KAYENTA
    ? []
    : [{ label: "Kayenta", judge: getJudge("NetflixACAJudge-v1.0"), run: runKayenta }]),
  { label: "v2", judge: sequentialV2With(DEFAULT_V2_PARAMS), run: runSequentialV2 },
  ...variants.map((v, i) => ({
    label: `x${i + 1}`,
    judge: sequentialV2With(merge(v)),
    run: runSequentialV2,
  })),
];
variants.forEach((v, i) => console.log(`x${i + 1} = ${JSON.stringify(v)}`));
const only = process.env.BENCH_ONLY;
const res = runBench(
  judges,
  "tune",
  Number(process.env.BENCH_SCALE ?? "0.5"),
  only ? MODES.filter((m) => m.name === "A/A" || m.name.includes(only)) : MODES,
);
for (const l of printBench(res)) console.log(l);
