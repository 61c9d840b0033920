// `coalmine validate <file>`: detects a canary config, native request or Kayenta request; prints a summary or every problem.
import { jsonDepthProblem } from "../../config/json-depth";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { AnalysisRequest } from "../../config/analysis-request.schema";
import { resolveCanaryOptions, type CanaryConfig } from "../../config/canary-config.schema";
import { DOCUMENT_KINDS, validateDocument, type DetectedValidation } from "../../config/detect-document";
import { formatIsoDuration, parseIsoDuration } from "../../config/duration";
import type {
  KayentaCanaryExecutionRequest,
  KayentaExecutionRequest,
  KayentaThresholds,
} from "../../config/kayenta-request.schema";
import { kayentaLifetimeMinutes } from "../../config/map-kayenta-request";
import { resolveRequestDefaults } from "../../config/request-defaults";
import { jsonErrorPosition } from "../../http/json-error-position";
import { ExitCode, UsageError, type CliCommand } from "../cli-io";

const USAGE = "usage: coalmine validate <file.json> [--json]";

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

const ms = (iso: string | undefined): number => (iso === undefined ? 0 : (parseIsoDuration(iso) ?? 0));
const human = (milliseconds: number): string => formatIsoDuration(milliseconds);
const MAX_WINDOWS = 6;
/** An offset from the analysis start as +h:mm (or +h:mm:ss). */
const clock = (offset: number): string => {
  const sign = offset < 0 ? "-" : "+";
  const t = Math.abs(offset) / 1000;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = Math.round(t % 60);
  return `${sign}${h}:${String(m).padStart(2, "0")}${sec ? `:${String(sec).padStart(2, "0")}` : ""}`;
};

function configLines(config: CanaryConfig, indent = ""): string[] {
  const lines: string[] = [];
  const width = Math.min(32, Math.max(...config.metrics.map((m) => m.name.length)));
  const typeWidth = Math.max(...config.metrics.map((m) => m.query.type.length));
  const groupsOf = (m: CanaryConfig["metrics"][number]) => (m.groups ?? []).join(", ") || "(no group)";
  const groupWidth = Math.min(24, Math.max(...config.metrics.map((m) => groupsOf(m).length)));
  lines.push(`${indent}metrics (${config.metrics.length}):`);
  for (const m of config.metrics) {
    const o = resolveCanaryOptions(m);
    const flags = [
      o.direction,
      o.critical ? "critical" : "",
      o.muted ? "muted" : "",
      o.mustHaveData ? "must have data" : "",
      o.nanStrategy === "replace" ? "NaN→0" : "",
    ].filter((f) => f !== "");
    lines.push(
      `${indent}  ${m.name.padEnd(width)}  ${m.query.type.padEnd(typeWidth)}  ${groupsOf(m).padEnd(groupWidth)}  scope ${m.scopeName ?? "default"}  [${flags.join(", ")}]`,
    );
  }
  const weights = config.classifier?.groupWeights;
  const groups = [...new Set(config.metrics.flatMap((m) => m.groups ?? []))];
  if (weights && Object.keys(weights).length > 0)
    lines.push(
      `${indent}groups: ${Object.entries(weights)
        .map(([g, w]) => `${g} ${w}`)
        .join(", ")}`,
    );
  else if (groups.length > 0)
    lines.push(
      `${indent}groups: ${groups.map((g) => `${g} ${+(100 / groups.length).toFixed(2)}`).join(", ")} (equal, no groupWeights)`,
    );
  if (config.judge) lines.push(`${indent}judge: ${config.judge.name}`);
  return lines;
}

function requestLines(req: AnalysisRequest): string[] {
  const r = resolveRequestDefaults(req);
  const lines: string[] = [
    `application: ${r.application}${r.mode === "kayenta-standalone" ? " (Kayenta mode)" : ""}`,
  ];
  if (req.canaryConfig) {
    lines.push(`config: inline '${req.canaryConfig.name}'`);
    lines.push(...configLines(req.canaryConfig, "  "));
  } else lines.push(`config: stored '${req.canaryConfigName ?? "?"}' (not checked here)`);
  for (const [name, pair] of Object.entries(r.scopes)) {
    const side = (s: { scope: string; location?: string | undefined; offset?: string | undefined }) =>
      `${s.scope}${s.location ? `@${s.location}` : ""}${s.offset ? ` (${s.offset} earlier)` : ""}`;
    lines.push(
      `scope ${name}: baseline ${side(pair.baseline)}, canary ${side(pair.canary)}, step ${pair.step}`,
    );
  }
  let total = 0;
  const stageLines = r.stages.map((s, i) => {
    const duration = ms(s.duration);
    const interval = Math.min(ms(s.interval), duration);
    const warmup = ms(s.warmup);
    const from = total + warmup;
    total += warmup + duration;
    const n = interval > 0 ? Math.floor(duration / interval) : 0;
    const window = s.lookback ? `sliding ${s.lookback}` : "growing";
    const windows = Array.from({ length: Math.min(n, MAX_WINDOWS) }, (_, k) => {
      const end = from + (k + 1) * interval;
      const start = s.lookback ? end - ms(s.lookback) : from;
      // Native mode keeps sliding windows inside the stage; Kayenta's may start earlier (docs/kayenta-rules.md §3.3).
      return `${clock(r.mode === "native" ? Math.max(start, from) : start)}–${clock(end)}`;
    });
    if (n > MAX_WINDOWS) windows.push("…");
    const parts = [
      s.trafficWeight !== undefined ? `traffic ${s.trafficWeight}%` : "",
      warmup ? `warm-up ${s.warmup ?? ""}` : "",
      `duration ${s.duration}`,
      `interval ${s.interval}`,
      `${n} judgement${n === 1 ? "" : "s"}, ${window} window`,
    ].filter((p) => p !== "");
    return `  ${i + 1}. ${s.name ?? `stage ${i + 1}`}: ${parts.join(", ")}\n     windows ${windows.join(", ")}`;
  });
  lines.push(`stages (${r.stages.length}, total ${human(total)}):`, ...stageLines);
  const om =
    r.onMarginal.action === "await-decision"
      ? `await-decision (${r.onMarginal.timeout ?? ""})`
      : r.onMarginal.action;
  lines.push(
    `thresholds: pass ${r.thresholds.pass}, marginal ${r.thresholds.marginal}; judge ${r.judge}; on marginal ${om}; ingestion lag ${r.ingestionLag}`,
  );
  if (r.startTime || r.endTime) lines.push(`window: ${r.startTime ?? "now"} → ${r.endTime ?? "(live)"}`);
  return lines;
}

function kayentaLines(req: KayentaExecutionRequest): string[] {
  const lines: string[] = [];
  for (const s of req.scopes) {
    const offset = s.controlOffsetInMinutes ? ` (${s.controlOffsetInMinutes} min earlier)` : "";
    lines.push(
      `scope ${s.scopeName ?? "default"}: control ${s.controlScope}${s.controlLocation ? `@${s.controlLocation}` : ""}${offset}, experiment ${s.experimentScope}${s.experimentLocation ? `@${s.experimentLocation}` : ""}`,
    );
  }
  const lifetime = kayentaLifetimeMinutes(req) ?? 0;
  const asked = req.analysisIntervalMins ?? 0;
  const interval = asked === 0 || asked > lifetime ? lifetime : asked;
  const n = interval > 0 ? Math.floor(lifetime / interval) : 0;
  const first = req.scopes[0];
  lines.push(
    `one stage: lifetime ${lifetime} min, interval ${interval} min (${n} judgement${n === 1 ? "" : "s"}), ${req.lookbackMins ? `sliding ${req.lookbackMins} min` : "growing"} window, begin after ${req.beginAfterMins ?? 0} min, step ${first?.step ?? 60} s`,
  );
  if (first?.startTimeIso || first?.endTimeIso)
    lines.push(`window: ${first.startTimeIso ?? "now"} → ${first.endTimeIso ?? "(live)"}`);
  lines.push(
    req.thresholds
      ? `thresholds: ${thresholdText(req.thresholds)} (fails early at or below marginal)`
      : "thresholds: none given (Coalmine defaults: pass 95, marginal 75)",
  );
  return lines;
}

const thresholdText = (t: KayentaThresholds): string =>
  `pass ${t.pass ?? "none"}, marginal ${t.marginal ?? "none"}`;

function kayentaCanaryLines(req: KayentaCanaryExecutionRequest): string[] {
  const side = (s: KayentaCanaryExecutionRequest["scopes"][string]["controlScope"]) =>
    `${s.scope}${s.location ? `@${s.location}` : ""} ${s.start} → ${s.end}`;
  const lines = Object.entries(req.scopes).map(
    ([name, pair]) =>
      `scope ${name}: control ${side(pair.controlScope)}, experiment ${side(pair.experimentScope)}, step ${pair.experimentScope.step ?? 60} s`,
  );
  lines.push(`one judgement; thresholds: ${thresholdText(req.thresholds)}`);
  return lines;
}

function summary(v: DetectedValidation): string[] {
  if (!v.result.ok) return [];
  switch (v.kind) {
    case "canary-config":
      return [`canary config '${v.result.value.name}'`, ...configLines(v.result.value)];
    case "analysis-request":
      return requestLines(v.result.value);
    case "kayenta-execution-request":
      return kayentaLines(v.result.value);
    case "kayenta-standalone-body":
      return [
        `canary config '${v.result.value.canaryConfig.name}'`,
        ...configLines(v.result.value.canaryConfig),
        ...kayentaLines(v.result.value.executionRequest),
      ];
    case "kayenta-canary-request":
      return kayentaCanaryLines(v.result.value);
    case "kayenta-canary-body":
      return [
        `canary config '${v.result.value.canaryConfig.name}'`,
        ...configLines(v.result.value.canaryConfig),
        ...kayentaCanaryLines(v.result.value.executionRequest),
      ];
    default:
      return [];
  }
}

export const command: CliCommand = async (args, io) => {
  const files = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--json");
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(", ")}\n${USAGE}`);
  if (files.length !== 1) throw new UsageError(USAGE);
  const json = args.includes("--json");
  const file = files[0] ?? "";

  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.stderr(
      `coalmine validate: cannot read ${file}: ${code === "ENOENT" ? "no such file" : String(err)}\n`,
    );
    return ExitCode.usage;
  }
  const tooDeep = jsonDepthProblem(text);
  if (tooDeep !== undefined) {
    io.stderr(`coalmine validate: ${file}: ${tooDeep}\n`);
    return ExitCode.usage;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const offset = jsonErrorPosition(text) ?? text.length;
    const { line, column } = lineColumn(text, offset);
    const found =
      offset >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[offset])}`;
    io.stderr(`coalmine validate: ${file}:${line}:${column}: not valid JSON (${found})\n`);
    return ExitCode.usage;
  }

  const v = validateDocument(doc);
  const kind: string = v.kind === undefined ? "document" : DOCUMENT_KINDS[v.kind];
  const warnings = v.result.warnings ?? [];
  if (json) {
    io.stdout(
      `${JSON.stringify({ file, kind: v.kind ?? null, valid: v.result.ok, problems: v.result.ok ? [] : v.result.problems, warnings }, null, 2)}\n`,
    );
    return v.result.ok ? ExitCode.pass : ExitCode.usage;
  }
  // Warnings (keys Kayenta ignores, docs/configuration.md) never change the exit code.
  const warningLines = warnings.map((w) => `warning: ${w.path}: ${w.message}\n`).join("");
  if (!v.result.ok) {
    const n = v.result.problems.length;
    io.stdout(`${file}: invalid ${kind} (${n} problem${n === 1 ? "" : "s"})\n`);
    for (const p of v.result.problems) io.stdout(`${p.path}: ${p.message}\n`);
    io.stdout(warningLines);
    return ExitCode.usage;
  }
  const n = warnings.length;
  io.stdout(
    `${file}: valid ${kind}${n ? ` (${n} warning${n === 1 ? "" : "s"})` : ""}\n${warningLines}${summary(v).join("\n")}\n`,
  );
  return ExitCode.pass;
};
