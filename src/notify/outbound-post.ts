// Guarded outbound requests with retries and exponential backoff (network errors, 408, 429, 5xx; Retry-After honoured).
// Every attempt is checked by the guard and connects only to the addresses it checked; redirects are never
// followed (docs/security.md "Outbound requests").
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { oneLine } from "../error-text";
import { pinnedLookup, type CheckedTarget, type OutboundGuard } from "./outbound-guard";

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Never follow a redirect (a 3xx is an answer, and a failed delivery). */
  redirect: "manual";
  /** What the guard checked: the connection must use these addresses. */
  target?: CheckedTarget;
}

export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Longest response body kept. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** node:http(s) request that connects only to the checked addresses and follows no redirect. */
export const pinnedFetch: FetchLike = (url, init) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body, "utf8"));
    const req = send(
      u,
      {
        method: init.method,
        headers,
        lookup: pinnedLookup(init.target?.addresses) as never,
        ...(init.signal ? { signal: init.signal } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
        });
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: {
              get(name: string) {
                const v = res.headers[name.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
              },
            },
            text: async () => text,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });

export interface RetryPolicy {
  attempts: number;
  /** First backoff; doubles each time (with jitter), capped by maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 10_000,
};

export interface OutboundDeps {
  guard: OutboundGuard;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
}

/** The target answered, but not with 2xx, after every attempt (or with a permanent 4xx at once). */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** POSTs `body` (already serialised: signatures cover these exact bytes); resolves with the 2xx status. */
export async function postWithRetry(
  deps: OutboundDeps,
  url: string,
  headers: Record<string, string>,
  body: string,
  /** A label for errors that never includes secrets. */
  what: string,
): Promise<number> {
  return (await requestWithRetry(deps, { method: "POST", url, headers, body }, what)).status;
}

export interface OutboundRequest {
  method: "GET" | "POST" | "PATCH" | "PUT";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** One guarded request, retried like postWithRetry; resolves with the 2xx status and the answer's text. */
export async function requestWithRetry(
  deps: OutboundDeps,
  request: OutboundRequest,
  /** A label for errors that never includes secrets. */
  what: string,
): Promise<{ status: number; text: string }> {
  const policy = { ...DEFAULT_RETRY, ...deps.retry };
  const doFetch: FetchLike = deps.fetch ?? pinnedFetch;
  const sleep = deps.sleep ?? defaultSleep;
  let last: DeliveryError | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let wait: number | undefined;
    // Checked on every attempt: the addresses it resolves are the ones this attempt connects to.
    const target = await deps.guard.check(request.url);
    try {
      const res = await doFetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(policy.timeoutMs),
        redirect: "manual",
        target,
      });
      const text = await res.text().catch(() => "");
      if (res.status >= 200 && res.status < 300) return { status: res.status, text };
      if (res.status >= 300 && res.status < 400) {
        throw new DeliveryError(
          `${what}: HTTP ${res.status} redirect not followed (redirects are refused; use the final URL)`,
          res.status,
          true,
        );
      }
      const transient = res.status === 408 || res.status === 429 || res.status >= 500;
      last = new DeliveryError(`${what}: HTTP ${res.status}`, res.status, !transient);
      if (!transient) throw last;
      wait = retryAfterMs(res.headers.get("retry-after"));
    } catch (err) {
      if (err instanceof DeliveryError && err.permanent) throw err;
      if (!(err instanceof DeliveryError)) {
        last = new DeliveryError(
          `${what}: ${oneLine(err instanceof Error ? err.message : String(err))}`,
          undefined,
          false,
          { cause: err },
        );
      }
    }
    if (attempt < policy.attempts) {
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + (Math.random() * backoff) / 2;
      await sleep(Math.min(policy.maxDelayMs, wait ?? jittered));
    }
  }
  throw last ?? new DeliveryError(`${what}: no attempt made`, undefined, false);
}
