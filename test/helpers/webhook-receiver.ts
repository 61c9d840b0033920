// A webhook receiver that checks X-Coalmine-Signature-256 on every delivery against the raw body.
import { createHmac, timingSafeEqual } from "node:crypto";
import { startRecordingServer, type RecordingServer } from "./recording-server";

export interface WebhookDelivery {
  event: string;
  deliveryId: string;
  signatureValid: boolean;
  payload: Record<string, unknown>;
}

export interface WebhookReceiver extends RecordingServer {
  url: string;
  deliveries(): WebhookDelivery[];
}

/** Verified independently of src/notify (its own HMAC), as a receiver would. */
export function validSignature(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startWebhookReceiver(
  secret: string,
  path = "/hooks/coalmine",
): Promise<WebhookReceiver> {
  const server = await startRecordingServer();
  return {
    ...server,
    url: `${server.origin}${path}`,
    deliveries: () =>
      server.requests.map((r) => ({
        event: String(r.headers["x-coalmine-event"]),
        deliveryId: String(r.headers["x-coalmine-delivery"]),
        signatureValid: validSignature(secret, r.body, r.headers["x-coalmine-signature-256"]),
        payload: JSON.parse(r.body),
      })),
  };
}
