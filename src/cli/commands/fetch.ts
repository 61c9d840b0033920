// `coalmine fetch <request.json> [--metric NAME] [--dry-run]`: the final query for each metric and scope, and the fetched MetricSetPairs.
import type { AnalysisRequest } from "../../config/analysis-request.schema";
import type { CanaryConfig } from "../../config/canary-config.schema";
import { parseIsoDuration } from "../../config/duration";
import { validateAnalysisRequest, validateCanaryConfig } from "../../config/validate";
import { toKayentaJson } from "../../judge/kayenta-json";
import { parseSettings, SettingsError } from "../../app/settings";
import { MetricsAccountError, resolveMetricsAccount } from "../../metrics/accounts";
import { StoreError } from "../../store/errors";
import {
  FetchPlanError,
  fetchMetricSetPairs,
  planMetricFetches,
  type MetricFetchPlan,
} from "../../analysis/fetch-pairs";
import type { MetricSource } from "../../analysis/ports/metric-source";
import { MetricSourceError, QueryBuildError } from "../../metrics/metric-source-error";
import { createMetricSource, loadMetricSource } from "../../metrics/source-factory";
import { clockOf, ExitCode, UsageError, type CliCommand } from "../cli-io";
import { problemsError, readJsonFile } from "../json-files";

const USAGE =
  "usage: coalmine fetch <request.json> [--metric NAME]... [--dry-run] [--config <cfg.json>] [--start ISO --end ISO] [--concurrency 8]";

interface FetchArgs {
  request: string;
  metrics: string[];
  dryRun: boolean;
  config?: string;
  start?: string;
  end?: string;
  concurrency: number;
}

function parseArgs(args: readonly string[]): FetchArgs {
  const out: FetchArgs = { request: "", metrics: [], dryRun: false, concurrency: 8 };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--dry-run") {
      out.dryRun = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!["--metric", "--config", "--start", "--end", "--concurrency"].includes(flag))
      throw new UsageError(`unknown argument '${arg}'\n${USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value\n${USAGE}`);
    if (flag === "--metric") out.metrics.push(value);
    else if (flag === "--config") out.config = value;
    else if (flag === "--start" || flag === "--end") {
      if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d\d-\d\dT/.test(value))
        throw new UsageError(
          `${flag} must be an ISO 8601 instant such as 2026-11-23T10:00:00Z, not '${value}'`,
        );
      out[flag === "--start" ? "start" : "end"] = new Date(value).toISOString();
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 64)
        throw new UsageError(`--concurrency must be an integer from 1 to 64, not '${value}'`);
      out.concurrency = n;
    }
  }
  if (positional.length !== 1) throw new UsageError(`expected one request file\n${USAGE}`);
  out.request = positional[0] as string;
  if ((out.start === undefined) !== (out.end === undefined))
    throw new UsageError("--start and --end go together");
  if (out.start !== undefined && out.end !== undefined && Date.parse(out.start) >= Date.parse(out.end))
    throw new UsageError("--start must be before --end");
  return out;
}

/**
 * The window fetched: the first stage's analysis window, i.e. from startTime + warmup for the stage's
 * duration (cut at endTime); without startTime, the stage's duration ending now. `--start/--end` override.
 */
export function fetchWindow(request: AnalysisRequest, nowMs: number): { start: string; end: string } {
  const stage = request.stages[0];
  const duration = stage ? (parseIsoDuration(stage.duration) ?? 0) : 0;
  const warmup = stage?.warmup !== undefined ? (parseIsoDuration(stage.warmup) ?? 0) : 0;
  if (request.startTime === undefined) {
    const end = Math.floor(nowMs / 1000) * 1000;
    return { start: new Date(end - duration).toISOString(), end: new Date(end).toISOString() };
  }
  const start = Date.parse(request.startTime) + warmup;
  let end = start + duration;
  if (request.endTime !== undefined) end = Math.min(end, Date.parse(request.endTime));
  return { start: new Date(start).toISOString(), end: new Date(Math.max(end, start)).toISOString() };
}

export const command: CliCommand = async (args, io) => {
  const opts = parseArgs(args);
  const validated = validateAnalysisRequest(readJsonFile(io, opts.request, "request"));
  if (!validated.ok) throw problemsError(opts.request, validated.problems);
  const request = validated.value;
  let config: CanaryConfig | undefined = request.canaryConfig;
  if (opts.config !== undefined) {
    const c = validateCanaryConfig(readJsonFile(io, opts.config, "canary config"));
    if (!c.ok) throw problemsError(opts.config, c.problems);
    config = c.value;
  }
  if (!config)
    throw new UsageError(
      `${opts.request}: $.canaryConfigName: 'coalmine fetch' has no config store; inline the config as canaryConfig or pass --config <cfg.json>`,
    );

  let plans: MetricFetchPlan[];
  const window =
    opts.start !== undefined && opts.end !== undefined
      ? { start: opts.start, end: opts.end }
      : fetchWindow(request, clockOf(io)().getTime());
  try {
    const settings = parseSettings(io.env, { cwd: io.cwd });
    const accounts = settings.metricsAccounts();
    const sources = new Map<string, MetricSource>();
    plans = planMetricFetches({
      config,
      scopes: request.scopes,
      window,
      only: opts.metrics,
      sourceFor: (metric) => {
        const account = resolveMetricsAccount(accounts, request.metricsAccount, metric.query.type);
        let source = sources.get(account.name);
        if (!source)
          sources.set(account.name, (source = createMetricSource(account, settings.named, { cwd: io.cwd })));
        return { source, account: account.name };
      },
    });
  } catch (err) {
    if (
      err instanceof MetricsAccountError ||
      err instanceof FetchPlanError ||
      err instanceof SettingsError ||
      err instanceof StoreError
    )
      throw new UsageError(err.message, { cause: err });
    throw err;
  }

  // Each account's adapter module loads on first use; the queries below are built before any fetch.
  await Promise.all([...new Set(plans.map((plan) => plan.source))].map(loadMetricSource));
  const queries = plans.map((plan) => {
    const index = config.metrics.indexOf(plan.metric);
    const side = (r: MetricFetchPlan["baseline"]) => {
      try {
        return {
          scope: r.scope.scope,
          ...(r.scope.location !== undefined ? { location: r.scope.location } : {}),
          start: r.window.start,
          end: r.window.end,
          stepSeconds: r.window.stepSeconds,
          query: plan.source.buildQuery(r),
        };
      } catch (err) {
        if (err instanceof QueryBuildError)
          throw new UsageError(`${opts.request}: $.canaryConfig.metrics[${index}].query: ${err.message}`, {
            cause: err,
          });
        throw err;
      }
    };
    return {
      metric: plan.metric.name,
      scopeName: plan.scopeName,
      account: plan.account,
      baseline: side(plan.baseline),
      canary: side(plan.canary),
    };
  });

  if (opts.dryRun) {
    io.stdout(`${JSON.stringify({ window, queries }, null, 2)}\n`);
    return ExitCode.pass;
  }
  io.stderr(`fetching ${plans.length} metric(s) × 2 scopes over [${window.start}, ${window.end})\n`);
  for (const q of queries)
    io.stderr(
      `  ${q.metric} (${q.account})\n    baseline: ${q.baseline.query}\n    canary:   ${q.canary.query}\n`,
    );
  const { pairs, failures } = await fetchMetricSetPairs(plans, { concurrency: opts.concurrency });
  io.stdout(`${toKayentaJson(pairs, 2)}\n`);
  for (const f of failures) {
    const message =
      f.error instanceof MetricSourceError || f.error instanceof Error ? f.error.message : String(f.error);
    io.stderr(`coalmine fetch: ${f.metric} (${f.side}): ${message}\n`);
  }
  return failures.length > 0 ? ExitCode.error : ExitCode.pass;
};
