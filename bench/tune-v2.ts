// Tuning aid for coalmine-sequential-v2 (docs/judges.md): runs v2 variants on the TUNE seeds only, side by
// side with the Kayenta-compatible judge, and prints the table of bench/accuracy.ts. Variants are JSON
// objects of V2Params overrides: `npx tsx bench/tune-v2.ts '{"pooledShare":0.4}' '{"dependence":{"boost":2}}'`.
import { getJudge } from "../src/judge/registry";
import { DEFAULT_V2_PARAMS, sequentialV2With } from "../src/judge/sequential-v2/sequential-v2-judge";
import { variantsFromArgs, withOverrides } from "./v2-variants";
import { MODES, printBench, runBench, runKayenta, runSequentialV2 } from "./accuracy";

const variants = variantsFromArgs(process.argv.slice(2));
const judges = [
  ...(process.env.NO_KAYENTA
    ? []
    : [{ label: "Kayenta", judge: getJudge("NetflixACAJudge-v1.0"), run: runKayenta }]),
  { label: "v2", judge: sequentialV2With(DEFAULT_V2_PARAMS), run: runSequentialV2 },
  ...variants.map((v, i) => ({
    label: `x${i + 1}`,
    judge: sequentialV2With(withOverrides(v)),
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
