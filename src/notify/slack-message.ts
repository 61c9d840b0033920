// A chat summary as a Slack Block Kit message for an incoming webhook (docs/http-api.md "Slack and Microsoft Teams").
import type { ChatSummary } from "./chat-summary";

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const esc = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const MARK: Record<ChatSummary["tone"], string> = {
  good: ":white_check_mark:",
  bad: ":x:",
  waiting: ":hourglass_flowing_sand:",
  neutral: ":information_source:",
};

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export function slackMessage(s: ChatSummary): SlackMessage {
  const fields = [
    ["Verdict", s.verdict ?? (s.state === "awaiting-decision" ? "awaiting a decision" : "none yet")],
    ["Score", s.score !== undefined ? String(s.score) : "none yet"],
    ["Stage", s.stage ?? "none"],
    ["Analysis", `\`${s.analysisId}\``],
  ].map(([k, v]) => ({ type: "mrkdwn", text: clip(`*${k}*\n${esc(v!)}`, 2000) }));
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: clip(s.title, 150), emoji: true } },
    { type: "section", fields },
  ];
  if (s.failedMetrics.length) {
    const lines = s.failedMetrics.map((m) => `• *${esc(m.name)}*: ${esc(m.reason)}`);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Failed metrics*\n${lines.join("\n")}`, 3000) },
    });
  }
  if (s.reason && !s.decision) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Reason*\n${esc(s.reason)}`, 3000) },
    });
  }
  if (s.decision) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: clip(
          `*Awaiting*\n${esc(s.decision.awaited)}\n*How to decide*\n\`${esc(s.decision.how)}\``,
          3000,
        ),
      },
    });
  }
  if (s.reportUrl) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open the report" },
          url: s.reportUrl,
          action_id: "report",
        },
      ],
    });
  } else {
    blocks.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: esc(`Report: ${s.reportPath} (set COALMINE_PUBLIC_URL for a link)`) },
      ],
    });
  }
  const score = s.score !== undefined ? ` (score ${s.score})` : "";
  return { text: `${MARK[s.tone]} ${clip(`${s.title}${score}`, 300)}`, blocks };
}
