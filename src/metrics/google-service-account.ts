// Google OAuth2 for a service account (developers.google.com/identity/protocols/oauth2/service-account, RFC 7523): key JSON from a setting → signed JWT → access token, cached until shortly before it expires.
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import type { AxiosInstance } from "axios";
import { MetricSourceError } from "./metric-source-error";

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
export const MONITORING_READ_SCOPE = "https://www.googleapis.com/auth/monitoring.read";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Lifetime asked for in the assertion (Google's maximum) and the margin before expiry at which a token is renewed. */
const ASSERTION_SECONDS = 3600;
const RENEW_MARGIN_MS = 60_000;

/** The fields of a service-account key file that the exchange uses. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId?: string | undefined;
  tokenUri: string;
}

/** A key that cannot be read; the message names what is wrong, never the key. */
export class ServiceAccountKeyError extends Error {
  override readonly name = "ServiceAccountKeyError";
}

/** Read a key file's JSON text (`type: service_account`, client_email, private_key, token_uri). */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceAccountKeyError("is not JSON (expected the service-account key file's content)");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new ServiceAccountKeyError("is not a JSON object");
  const k = json as Record<string, unknown>;
  if (k["type"] !== undefined && k["type"] !== "service_account")
    throw new ServiceAccountKeyError(
      `holds a key of type ${JSON.stringify(k["type"])}, not 'service_account'`,
    );
  const email = k["client_email"];
  const pem = k["private_key"];
  if (typeof email !== "string" || email === "") throw new ServiceAccountKeyError("lacks client_email");
  if (typeof pem !== "string" || pem === "") throw new ServiceAccountKeyError("lacks private_key");
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ServiceAccountKeyError("holds a private_key that is not a PEM RSA key");
  }
  const tokenUri =
    typeof k["token_uri"] === "string" && k["token_uri"] !== "" ? k["token_uri"] : GOOGLE_TOKEN_URI;
  const kid = k["private_key_id"];
  return {
    clientEmail: email,
    privateKey,
    privateKeyId: typeof kid === "string" ? kid : undefined,
    tokenUri,
  };
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** The signed JWT assertion for `scope`, issued at `nowMs` (RS256). */
export function serviceAccountAssertion(key: ServiceAccountKey, scope: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: key.tokenUri, iat, exp: iat + ASSERTION_SECONDS };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign("RSA-SHA256", Buffer.from(input), key.privateKey))}`;
}

/** What a metric source needs to turn a token failure into its own error. */
export interface TokenErrorContext {
  sourceType: string;
  account: string;
}

/** Access tokens for one key and scope, exchanged on first use and again shortly before expiry. */
export class ServiceAccountTokens {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly key: ServiceAccountKey,
    private readonly http: AxiosInstance,
    private readonly context: TokenErrorContext,
    private readonly options: {
      scope?: string;
      timeoutMs: number;
      now: () => number;
      onToken?: (t: string) => void;
    },
  ) {}

  /** A valid access token; a failed exchange is a MetricSourceError (transient for 408/429/5xx/network). */
  async token(): Promise<string> {
    const now = this.options.now();
    if (this.cached && this.cached.expiresAt - RENEW_MARGIN_MS > now) return this.cached.token;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private fail(message: string, transient: boolean, status?: number): MetricSourceError {
    return new MetricSourceError({
      sourceType: this.context.sourceType,
      account: this.context.account,
      query: "(not sent)",
      sourceMessage: `could not get a Google access token from ${this.key.tokenUri} for ${this.key.clientEmail}: ${message}`,
      transient,
      ...(status !== undefined ? { status } : {}),
    });
  }

  private async exchange(): Promise<string> {
    const now = this.options.now();
    const assertion = serviceAccountAssertion(this.key, this.options.scope ?? MONITORING_READ_SCOPE, now);
    let status: number;
    let body: unknown;
    try {
      const res = await this.http.request<string>({
        method: "POST",
        url: this.key.tokenUri,
        data: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        timeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        responseType: "text",
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        maxRedirects: 0,
      });
      status = res.status;
      try {
        body = JSON.parse(typeof res.data === "string" ? res.data : JSON.stringify(res.data));
      } catch {
        body = undefined;
      }
    } catch (err) {
      throw this.fail(`network error: ${err instanceof Error ? err.message : String(err)}`, true);
    }
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (status < 200 || status > 299) {
      const what = [b["error"], b["error_description"]].filter((x) => typeof x === "string").join(": ");
      throw this.fail(
        `HTTP ${status}${what ? `: ${what}` : ""}`,
        status === 408 || status === 429 || status >= 500,
        status,
      );
    }
    const token = b["access_token"];
    const expiresIn = typeof b["expires_in"] === "number" ? b["expires_in"] : ASSERTION_SECONDS;
    if (typeof token !== "string" || token === "")
      throw this.fail("the answer holds no access_token", true, status);
    this.options.onToken?.(token);
    this.cached = { token, expiresAt: now + expiresIn * 1000 };
    return token;
  }
}
