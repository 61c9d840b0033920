// Slack and Teams deliveries: the webhook URL from a COALMINE_HOOK_* setting, through the outbound guard, retried.
import type { ChatTarget } from "../config/analysis-request.schema";
import type { ChatSummary } from "./chat-summary";
import type { AnalysisEvent } from "../analysis/ports/notifier";
import { postWithRetry, type OutboundDeps } from "./outbound-post";
import { MissingSecretError } from "./signature";
import { slackMessage } from "./slack-message";
import { teamsMessage } from "./teams-message";

export type ChatKind = "slack" | "teams";

export const DEFAULT_CHAT_EVENTS: readonly AnalysisEvent["event"][] = [
  "started",
  "awaiting-decision",
  "completed",
];

export interface ChatNotifierDeps extends OutboundDeps {
  env: Record<string, string | undefined>;
}

/** The body each chat expects for a summary. */
export function chatBody(kind: ChatKind, summary: ChatSummary): string {
  return JSON.stringify(kind === "slack" ? slackMessage(summary) : teamsMessage(summary));
}

export class ChatNotifier {
  constructor(private readonly deps: ChatNotifierDeps) {}

  /** Whether the target subscribed to the event (`judgement` never goes to chat). */
  static wants(target: ChatTarget, event: AnalysisEvent["event"]): boolean {
    return (target.events ?? DEFAULT_CHAT_EVENTS).includes(event);
  }

  /** Posts one message; the URL is a secret, so errors name the setting, never the URL's path. */
  async deliver(kind: ChatKind, target: ChatTarget, summary: ChatSummary): Promise<void> {
    const url = this.deps.env[target.urlSetting];
    if (!url) {
      throw new MissingSecretError(`${kind}: the setting ${target.urlSetting} (its webhook URL) is not set`);
    }
    await postWithRetry(
      this.deps,
      url,
      { "content-type": "application/json", "user-agent": "coalmine-chat" },
      chatBody(kind, summary),
      `${kind} (${target.urlSetting}, ${summary.event})`,
    );
  }
}
