// `coalmine run <request.json> [--report out.html] [--json]`: a full analysis on the local runtime; status JSON on stdout, progress on stderr.
import { jsonDepthProblem } from "../../config/json-depth";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { AnalysisState, AnalysisStatus } from "../../analysis/analysis-status";
import { InvalidAnalysisRequestError } from "../../analysis/errors";
import { createLocalApp, type LocalApp } from "../../app/local";
import { ExitCode, UsageError, type CliCommand, type CliIo } from "../cli-io";
import { SettingsFileError, loadCliSettings } from "../settings-files";

const USAGE = "usage: coalmine run <request.json> [--report out.html] [--json]";

interface RunArgs {
  requestPath: string;
  reportPath?: string;
}

function parseArgs(args: string[]): RunArgs {
  let requestPath: string | undefined;
  let reportPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--json") continue; // the status is always JSON (docs/cli.md); accepted for symmetry
    if (arg === "--report") {
      reportPath = args[++i];
      if (reportPath === undefined || reportPath.startsWith("--"))
        throw new UsageError(`--report needs a file\n${USAGE}`);
      continue;
    }
    if (arg.startsWith("--report=")) {
      reportPath = arg.slice("--report=".length);
      continue;
    }
    if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'\n${USAGE}`);
    if (requestPath !== undefined) throw new UsageError(`one request file only\n${USAGE}`);
    requestPath = arg;
  }
  if (requestPath === undefined) throw new UsageError(USAGE);
  return reportPath === undefined ? { requestPath } : { requestPath, reportPath };
}

/** Exit code of a finished analysis (docs/cli.md): canceled counts as error (no verdict). */
export function exitCodeOf(state: AnalysisState): number {
  switch (state) {
    case "passed":
      return ExitCode.pass;
    case "failed":
      return ExitCode.fail;
    case "marginal":
      return ExitCode.marginal;
    default:
      return ExitCode.error;
  }
}

async function readRequest(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const tooDeep = jsonDepthProblem(text);
  if (tooDeep !== undefined) throw new UsageError(`${path} is refused: ${tooDeep}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** REPORT HOOK: renders the HTML report with src/report (load the stored figures, render one page). */
async function writeReport(app: LocalApp, status: AnalysisStatus, path: string): Promise<void> {
  const { loadReportModel } = await import("../../report/load-report");
  const { renderReport } = await import("../../report/render-report");
  const model = await loadReportModel(
    status,
    { analyses: app.ports.analysisStore, artifacts: app.ports.artifactStore },
    app.clock.now().toISOString(),
  );
  await writeFile(path, renderReport(model), "utf8");
}

export async function runAnalysis(args: string[], io: CliIo): Promise<number> {
  const { requestPath, reportPath } = parseArgs(args);
  const body = await readRequest(resolve(io.cwd, requestPath));
  let env: Record<string, string | undefined>;
  try {
    env = loadCliSettings(io.env, io.cwd);
  } catch (err) {
    if (err instanceof SettingsFileError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  const app = await createLocalApp({
    env,
    cwd: io.cwd,
    clock: "wall",
    // Without COALMINE_STORAGE a one-shot run keeps its data in memory: everything it produces leaves the process as
    // the status, the report and the exit code (in-process Azurite, in memory too, kept no more and took twice as
    // long; docs/adr/0011-fast-where-users-wait.md). A connection string still puts the analysis in Table/Blob.
    storageWhenUnset: "memory",
    onEvent: (_id, event) => {
      if (event.event === "judgement" || event.event === "awaiting-decision")
        io.stderr(`${event.message ?? event.event}\n`);
    },
  });
  const interrupt = (): void => {
    if (current) void app.service.cancel(current, "interrupted (SIGINT)");
  };
  let current: string | undefined;
  process.once("SIGINT", interrupt);
  try {
    let started: AnalysisStatus;
    try {
      started = await app.service.start(body);
    } catch (err) {
      if (err instanceof InvalidAnalysisRequestError) {
        io.stderr(`coalmine run: ${requestPath}: ${err.message}\n`);
        return ExitCode.usage;
      }
      throw err;
    }
    current = started.id;
    io.stderr(`analysis ${started.id} started (${app.storage})\n`);
    await app.runtime.waitForCompletion(started.id);
    const status = await app.service.getStatus(started.id);
    if (!status) throw new Error(`analysis ${started.id} disappeared`);
    io.stderr(`${status.state}${status.reason ? `: ${status.reason}` : ""}\n`);
    if (reportPath !== undefined) {
      await writeReport(app, status, resolve(io.cwd, reportPath));
      io.stderr(`report written to ${reportPath}\n`);
    }
    io.stdout(`${JSON.stringify(status, null, 2)}\n`);
    return exitCodeOf(status.state);
  } finally {
    process.removeListener("SIGINT", interrupt);
    await app.close();
  }
}

export const command: CliCommand = runAnalysis;
