// `coalmine judge --config <cfg> --pairs <pairs.json> [--pass 95 --marginal 75] [--judge NAME]`: one judgement, JSON on stdout.
import { judgeInputProblems, parseMetricSetPairs } from "../../judge/judge-request";
import { validateCanaryConfig } from "../../config/validate-canary-config";
import { toKayentaJson } from "../../judge/kayenta-json";
import { getJudge, isJudgeName, JUDGE_NAMES, selectJudgeName } from "../../judge/registry";
import type { MetricSetPair } from "../../judge/types";
import { ExitCode, UsageError, type CliCommand } from "../cli-io";
import { problemsError, readJsonFile } from "../json-files";

const USAGE =
  "usage: coalmine judge --config <cfg.json> --pairs <pairs.json> [--pass 95] [--marginal 75] [--judge NAME]";

interface JudgeArgs {
  config: string;
  pairs: string;
  pass: number;
  marginal: number;
  judge?: string;
}

function parseArgs(args: readonly string[]): JudgeArgs {
  const values = new Map<string, string>();
  const known = new Set(["--config", "--pairs", "--pass", "--marginal", "--judge"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(flag)) throw new UsageError(`unknown argument '${arg}'\n${USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value\n${USAGE}`);
    values.set(flag, value);
  }
  const config = values.get("--config");
  const pairs = values.get("--pairs");
  if (config === undefined || pairs === undefined)
    throw new UsageError(`--config and --pairs are required\n${USAGE}`);
  const threshold = (flag: string, fallback: number): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || n > 100)
      throw new UsageError(`${flag} must be a number from 0 to 100, not '${text}'`);
    return n;
  };
  const pass = threshold("--pass", 95);
  const marginal = threshold("--marginal", 75);
  if (marginal > pass) throw new UsageError(`--marginal (${marginal}) must not exceed --pass (${pass})`);
  const judge = values.get("--judge");
  return { config, pairs, pass, marginal, ...(judge !== undefined ? { judge } : {}) };
}

/** Reads and parses one JSON file; unreadable, empty or malformed files are usage errors naming the file. */

const EXIT: Record<string, number> = {
  Pass: ExitCode.pass,
  Fail: ExitCode.fail,
  Marginal: ExitCode.marginal,
};

export const command: CliCommand = async (args, io) => {
  const a = parseArgs(args);
  const configJson = readJsonFile(io, a.config, "canary config");
  const pairsJson = readJsonFile(io, a.pairs, "metric set pairs");

  const config = validateCanaryConfig(configJson);
  if (!config.ok) throw problemsError(a.config, config.problems);
  const pairs = parseMetricSetPairs(pairsJson);
  if (!pairs.ok) throw problemsError(a.pairs, pairs.problems);
  const missing = judgeInputProblems(
    config.value.metrics.map((m) => m.name),
    pairs.value,
    [],
  );
  if (missing.length > 0) throw problemsError(a.pairs, missing);
  if (pairs.value.length === 0) throw new UsageError(`${a.pairs}: $: the list holds no metric set pairs`);

  const judgeName = selectJudgeName(config.value, a.judge);
  if (!isJudgeName(judgeName)) {
    throw new UsageError(`unknown judge '${judgeName}' (known: ${JUDGE_NAMES.join(", ")})`);
  }
  const list: MetricSetPair[] = pairs.value.map((p) => ({
    name: p.name,
    ...(p.id !== undefined ? { id: p.id } : {}),
    tags: p.tags,
    values: { control: p.values.control, experiment: p.values.experiment },
  }));
  const { result } = getJudge(judgeName).judge({
    config: config.value,
    thresholds: { pass: a.pass, marginal: a.marginal },
    pairs: list,
  });
  io.stdout(`${toKayentaJson(result, 2)}\n`);
  io.stderr(`${judgeName}: score ${result.score.score} → ${result.score.classification}\n`);
  return EXIT[result.score.classification] ?? ExitCode.error;
};
