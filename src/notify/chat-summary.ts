// What a chat message says about an analysis event (docs/http-api.md "Slack and Microsoft Teams"): one plain model, rendered for Slack and Teams.
import type { CanaryJudgeResult, MetricResult } from "../judge/types";
import type { AnalysisEvent } from "../analysis/ports/notifier";

export interface ChatSummary {
  analysisId: string;
  event: AnalysisEvent["event"];
  application: string;
  state: string;
  /** "checkout canary passed", "checkout canary awaits a decision", … */
  title: string;
  tone: "good" | "bad" | "waiting" | "neutral";
  verdict?: string;
  score?: number;
  stage?: string;
  /** The failed metrics of the latest judgement, each with a one-line reason. */
  failedMetrics: { name: string; reason: string }[];
  reason?: string;
  /** Absolute report link; absent when COALMINE_PUBLIC_URL is not set (chat clients need absolute links). */
  reportUrl?: string;
  /** The report path, shown when there is no absolute link. */
  reportPath: string;
  /** While awaiting a decision: what is awaited and how to decide. */
  decision?: { awaited: string; how: string };
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return String(abs >= 100 ? Math.round(x * 10) / 10 : Math.round(x * 1000) / 1000);
};
const num = (x: unknown): number | undefined => {
  const n = typeof x === "string" ? Number(x) : x;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

const FAILING = new Set(["High", "Low", "NodataFailMetric", "Error"]);

/** One line per failed metric: its classification and the figures behind it. */
export function failedMetricLine(m: MetricResult): string {
  const critical = m.critical ? ", critical" : "";
  if (m.classification === "NodataFailMetric") return `no data${critical}`;
  if (m.classification === "Error")
    return `could not be judged${m.classificationReason ? `: ${m.classificationReason}` : ""}`;
  const canary = num(m.experimentMetadata?.stats?.mean);
  const baseline = num(m.controlMetadata?.stats?.mean);
  const ratio = num(m.resultMetadata?.ratio);
  const direction = m.classification === "High" ? "higher" : "lower";
  const figures =
    canary !== undefined && baseline !== undefined
      ? `: canary mean ${fmt(canary)} vs baseline ${fmt(baseline)}${ratio !== undefined && ratio > 0 ? ` (x${fmt(ratio)})` : ""}`
      : "";
  return `${direction} than baseline${critical}${figures}`;
}

/** The failed metrics of a stored judge result (names only when there is none). */
export function failedMetrics(
  result: CanaryJudgeResult | undefined,
  names: string[],
): { name: string; reason: string }[] {
  if (!result) return names.map((name) => ({ name, reason: "failed" }));
  return result.results
    .filter((m) => FAILING.has(m.classification) && !m.muted)
    .map((m) => ({ name: m.name, reason: failedMetricLine(m) }));
}

const TITLES: Record<string, { text: string; tone: ChatSummary["tone"] }> = {
  passed: { text: "canary passed", tone: "good" },
  failed: { text: "canary failed", tone: "bad" },
  marginal: { text: "canary was marginal", tone: "bad" },
  error: { text: "canary analysis could not judge", tone: "bad" },
  canceled: { text: "canary analysis was canceled", tone: "neutral" },
};

export interface SummaryOptions {
  /** COALMINE_PUBLIC_URL. */
  publicBaseUrl?: string | undefined;
  /** The latest judgement's stored judge result, for the failed metrics' reasons. */
  judgement?: CanaryJudgeResult | undefined;
}

export function chatSummary(analysisId: string, e: AnalysisEvent, options: SummaryOptions = {}): ChatSummary {
  const s = e.status;
  const base = options.publicBaseUrl?.replace(/\/$/, "");
  const reportPath = `/api/analyses/${analysisId}/report`;
  const last = s.judgements.at(-1);
  let title: { text: string; tone: ChatSummary["tone"] };
  if (e.event === "started") title = { text: "canary analysis started", tone: "neutral" };
  else if (e.event === "awaiting-decision")
    title = { text: "canary analysis awaits a decision", tone: "waiting" };
  else title = TITLES[s.state] ?? { text: `canary analysis ${s.state}`, tone: "neutral" };
  const summary: ChatSummary = {
    analysisId,
    event: e.event,
    application: s.application,
    state: s.state,
    title: `${s.application} ${title.text}`,
    tone: title.tone,
    failedMetrics: e.event === "started" || !last ? [] : failedMetrics(options.judgement, last.failedMetrics),
    reportPath,
  };
  if (s.verdict !== undefined) summary.verdict = s.verdict;
  if (s.score !== undefined) summary.score = s.score;
  else if (e.event !== "started" && last) summary.score = last.score;
  if (s.stage) summary.stage = s.stage.name;
  if (s.reason !== undefined) summary.reason = s.reason;
  if (base) summary.reportUrl = `${base}${reportPath}`;
  if (e.event === "awaiting-decision") {
    const decisionUrl = `${base ?? ""}/api/analyses/${analysisId}/decision`;
    summary.decision = {
      awaited: s.reason ?? "a person's decision",
      how: `POST ${decisionUrl} with {"action":"approve"} or {"action":"reject","reason":"…"} (a host key as x-functions-key)`,
    };
  }
  return summary;
}
