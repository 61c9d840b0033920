// HMAC-SHA256 signatures over the raw body, GitHub's convention with our header name (azure.md §6).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { REQUEST_SETTING_MESSAGE, isRequestSettingName } from "../config/setting-names";

export const SIGNATURE_HEADER = "X-Coalmine-Signature-256";
export const DELIVERY_HEADER = "X-Coalmine-Delivery";
export const EVENT_HEADER = "X-Coalmine-Event";

/** `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Constant-time check of a signature header against the raw body. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body), "utf8");
  const given = Buffer.from(header, "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A stable delivery id (UUID-shaped) from its parts, so a retried notification keeps its id and receivers can dedupe. */
export function deliveryId(...parts: (string | number)[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The secret held by the setting `secretName`; a named but absent setting is a configuration error. Only
 * COALMINE_HOOK_* settings can be named (checked at the door too; this keeps a stored request from older
 * rules from reaching any other setting).
 */
export function secretFromSettings(
  env: Record<string, string | undefined>,
  secretName: string | undefined,
  what: string,
): string | undefined {
  if (secretName === undefined) return undefined;
  if (!isRequestSettingName(secretName))
    throw new MissingSecretError(`${what}: the secret setting is refused: ${REQUEST_SETTING_MESSAGE}`);
  const value = env[secretName];
  if (!value) throw new MissingSecretError(`${what}: the setting ${secretName} (its HMAC secret) is not set`);
  return value;
}

export class MissingSecretError extends Error {
  override readonly name = "MissingSecretError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
