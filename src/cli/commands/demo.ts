// `coalmine demo` (what `npm start` runs): the two-stage analysis of examples/demo on the local runtime, offline,
// in memory, over recorded metrics in which the canary regresses in its 33 % stage.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { AnalysisStatus } from "../../analysis/analysis-status";
import { ExitCode, UsageError, type CliCommand } from "../cli-io";
import { runAnalysis } from "./run";

/** The package root (the folder with package.json), from src/ under tsx or dist/src/ once built. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${from}`);
    dir = up;
  }
  return dir;
}

export const command: CliCommand = async (args, io) => {
  let report = join(tmpdir(), "coalmine-demo-report.html");
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--report" && args[i + 1]) report = resolve(io.cwd, args[++i]!);
    else throw new UsageError(`unknown argument '${args[i]}'\nusage: coalmine demo [--report out.html]`);
  }
  const demo = join(packageRoot(), "examples", "demo");
  const env = {
    ...io.env,
    COALMINE_METRICS_ACCOUNTS: JSON.stringify([{ name: "demo-files", type: "file", endpoint: demo }]),
  };
  io.stderr(
    "Coalmine demo: checkout baseline vs canary, stages 10% then 33%, recorded metrics (examples/demo),\n" +
      "local Durable runtime, in-memory stores. The canary regresses in the 33% stage.\n\n",
  );
  let statusJson = "";
  const code = await runAnalysis([join(demo, "request.json"), "--report", report], {
    ...io,
    env,
    stdout: (t) => {
      statusJson += t;
    },
  });
  if (code === ExitCode.usage || !statusJson) return code;
  const status = JSON.parse(statusJson) as AnalysisStatus;
  const failedIn = status.judgements.filter((j) => j.classification === "Fail").map((j) => j.stage);
  const stageNames = ["10%", "33%"];
  io.stdout(
    [
      "",
      `Verdict: ${(status.verdict ?? status.state).toUpperCase()}  (score ${status.score ?? "–"}, state ${status.state})`,
      status.reason ? `Why:     ${status.reason}` : "",
      failedIn.length
        ? `Failed in stage: ${[...new Set(failedIn)].map((s) => stageNames[s] ?? s).join(", ")}`
        : "",
      `Report:  ${report}`,
      `Status:  coalmine run ${join("examples", "demo", "request.json")} prints the full status JSON`,
      "",
    ]
      .filter((l, i, all) => l !== "" || i === 0 || i === all.length - 1)
      .join("\n"),
  );
  // The demo succeeded when the analysis ran to a verdict (the expected one is a fail); errors stay errors.
  return status.verdict ? ExitCode.pass : ExitCode.error;
};
