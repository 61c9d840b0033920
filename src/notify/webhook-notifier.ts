// Webhook deliveries: signed JSON POSTs of analysis events to the hooks a request names.
import type { AnalysisEvent } from "../analysis/ports/notifier";
import { eventPayload } from "./event-payload";
import { postWithRetry, type OutboundDeps } from "./outbound-post";
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  deliveryId,
  secretFromSettings,
  signBody,
} from "./signature";

export interface WebhookTarget {
  url: string;
  secretName?: string | undefined;
  events?: AnalysisEvent["event"][] | undefined;
}

export interface WebhookNotifierDeps extends OutboundDeps {
  env: Record<string, string | undefined>;
}

export class WebhookNotifier {
  constructor(private readonly deps: WebhookNotifierDeps) {}

  /** Whether the hook subscribed to the event (all events when it lists none). */
  static wants(hook: WebhookTarget, event: AnalysisEvent["event"]): boolean {
    return !hook.events || hook.events.includes(event);
  }

  /** Delivers one event to one hook; resolves on 2xx, throws DeliveryError / OutboundBlockedError / MissingSecretError. */
  async deliver(hook: WebhookTarget, analysisId: string, event: AnalysisEvent): Promise<void> {
    if (!WebhookNotifier.wants(hook, event.event)) return;
    const secret = secretFromSettings(this.deps.env, hook.secretName, `webhook ${new URL(hook.url).origin}`);
    const body = JSON.stringify(eventPayload(analysisId, event));
    const id = deliveryId(
      analysisId,
      event.event,
      event.status.judgements.length,
      event.status.state,
      hook.url,
    );
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "coalmine-webhook",
      [EVENT_HEADER]: event.event,
      [DELIVERY_HEADER]: id,
    };
    if (secret !== undefined) headers[SIGNATURE_HEADER] = signBody(secret, body);
    await postWithRetry(
      this.deps,
      hook.url,
      headers,
      body,
      `webhook ${new URL(hook.url).origin} (${event.event})`,
    );
  }
}
