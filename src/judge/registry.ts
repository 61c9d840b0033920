// The judges Coalmine knows, by name; Kayenta's selection rule (override, then config.judge.name, then default).
import type { CanaryConfig } from "../config/canary-config.schema";
import { NETFLIX_ACA_JUDGE_NAME, netflixAcaJudge } from "./netflix-aca-judge";
import { sequentialJudge } from "./sequential/sequential-judge";
import { sequentialV2Judge } from "./sequential-v2/sequential-v2-judge";
import type { Judge } from "./types";

/** Every registered judge; add one line per judge. */
const JUDGES: readonly Judge[] = [netflixAcaJudge, sequentialJudge, sequentialV2Judge];

/**
 * Kayenta's default, for Kayenta's selection rule (`selectJudgeName`: `coalmine judge` and the judge check of
 * Kayenta-shaped requests). Native analyses resolve their judge in src/config/request-defaults.ts.
 */
export const DEFAULT_JUDGE = NETFLIX_ACA_JUDGE_NAME;
export const JUDGE_NAMES: readonly string[] = JUDGES.map((j) => j.name);

export class UnknownJudgeError extends Error {
  override readonly name = "UnknownJudgeError";
  constructor(
    readonly judgeName: string,
    options?: { cause?: unknown },
  ) {
    super(`unknown judge '${judgeName}' (known: ${JUDGE_NAMES.join(", ")})`, options);
  }
}

export function isJudgeName(name: string): boolean {
  return JUDGE_NAMES.includes(name);
}

/** The judge of that name (default: NetflixACAJudge-v1.0); throws UnknownJudgeError. */
export function getJudge(name: string = DEFAULT_JUDGE): Judge {
  const judge = JUDGES.find((j) => j.name === name);
  if (!judge) throw new UnknownJudgeError(name);
  return judge;
}

/** Kayenta's CanaryJudgeTask rule: an explicit override, else `canaryConfig.judge.name`, else the default. */
export function selectJudgeName(config: Pick<CanaryConfig, "judge">, override?: string): string {
  return override ?? config.judge?.name ?? DEFAULT_JUDGE;
}
