// A chat summary as an Adaptive Card posted to a Microsoft Teams Workflows webhook (docs/http-api.md "Slack and Microsoft Teams").
import type { ChatSummary } from "./chat-summary";

const COLOR: Record<ChatSummary["tone"], string> = {
  good: "Good",
  bad: "Attention",
  waiting: "Warning",
  neutral: "Default",
};

const text = (value: string, extra: Record<string, unknown> = {}) => ({
  type: "TextBlock",
  text: value,
  wrap: true,
  ...extra,
});

/** `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive", "content": card}]}`. */
export function teamsMessage(s: ChatSummary): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    text(s.title, { size: "Large", weight: "Bolder", color: COLOR[s.tone] }),
    {
      type: "FactSet",
      facts: [
        {
          title: "Verdict",
          value: s.verdict ?? (s.state === "awaiting-decision" ? "awaiting a decision" : "none yet"),
        },
        { title: "Score", value: s.score !== undefined ? String(s.score) : "none yet" },
        { title: "Stage", value: s.stage ?? "none" },
        { title: "Analysis", value: s.analysisId },
      ],
    },
  ];
  if (s.failedMetrics.length) {
    body.push(text("Failed metrics", { weight: "Bolder", spacing: "Medium" }));
    body.push(text(s.failedMetrics.map((m) => `- **${m.name}**: ${m.reason}`).join("\n")));
  }
  if (s.reason && !s.decision) {
    body.push(text("Reason", { weight: "Bolder", spacing: "Medium" }));
    body.push(text(s.reason));
  }
  if (s.decision) {
    body.push(text("Awaiting", { weight: "Bolder", spacing: "Medium" }));
    body.push(text(s.decision.awaited));
    body.push(text("How to decide", { weight: "Bolder" }));
    body.push(text(s.decision.how, { fontType: "Monospace" }));
  }
  if (!s.reportUrl)
    body.push(text(`Report: ${s.reportPath} (set COALMINE_PUBLIC_URL for a link)`, { isSubtle: true }));
  const card: Record<string, unknown> = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
  };
  if (s.reportUrl) card.actions = [{ type: "Action.OpenUrl", title: "Open the report", url: s.reportUrl }];
  return {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
}
