// V2Params overrides given as JSON on the command line (the tuning aids bench/tune-v2*.ts share this).
import { DEFAULT_V2_PARAMS, type V2Params } from "../src/judge/sequential-v2/sequential-v2-judge";

/** The default parameters with `o` laid over them; nested objects (dependence, testWeights…) are merged one level deep. */
export function withOverrides(o: Record<string, unknown>): V2Params {
  const out = { ...DEFAULT_V2_PARAMS } as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    const base = out[k];
    out[k] = v && typeof v === "object" && base && typeof base === "object" ? { ...base, ...v } : v;
  }
  return out as unknown as V2Params;
}

/** The command line's variants, each a JSON object of overrides. */
export function variantsFromArgs(args: readonly string[]): Array<Record<string, unknown>> {
  return args.map((a) => JSON.parse(a) as Record<string, unknown>);
}
