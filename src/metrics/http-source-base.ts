// The shared HTTP layer of the metric sources: timeout, bounded retries with full-jitter backoff and Retry-After, typed errors.
import axios, { type AxiosInstance, type AxiosRequestConfig, type Method } from "axios";
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery, QueryType } from "../config/query.schema";
import { MetricSourceError, QueryBuildError } from "./metric-source-error";
import type {
  MetricFetchRequest,
  MetricFetchResult,
  MetricSet,
  MetricSource,
} from "../analysis/ports/metric-source";

export interface RetryPolicy {
  /** Attempts including the first (Kayenta: 10; default here 8). */
  maxAttempts: number;
  /** Backoff base: attempt n waits up to base·2^(n-1) ms (Kayenta's 2^(retry-1)·1000 ms). */
  baseDelayMs: number;
  /** Cap on one backoff wait. */
  maxDelayMs: number;
  /** A Retry-After longer than this ends the retries (transient error; the activity retry policy takes over). */
  maxRetryAfterMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
};

/** What an adapter gets besides its account; tests inject sleep, random and now so nothing waits. */
export interface HttpSourceDeps {
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1): the jitter. */
  random?: () => number;
  /** Epoch ms: to turn an HTTP-date Retry-After into a wait. */
  now?: () => number;
  http?: AxiosInstance;
  /** Called before each wait (logging, tests). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** One HTTP request an adapter wants sent. */
export interface SourceRequest {
  method: Method;
  url: string;
  params?: Record<string, string | number>;
  headers?: Record<string, string>;
  body?: unknown;
  /** `text`: the parser gets the raw body (a SignalFlow event stream); default `json`: the parsed JSON. */
  responseType?: "json" | "text";
}

/**
 * Credentials sent in the `Authorization` header, already read from their settings: basic, bearer,
 * InfluxDB 2.x's `Token`, or none.
 */
export type HttpCredentials =
  | { type: "none" }
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "token"; token: string };

/** The `Authorization` header that carries `credentials`; undefined for none. */
export function authorizationHeader(credentials: HttpCredentials): string | undefined {
  const c = credentials;
  if (c.type === "basic") return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
  if (c.type === "bearer") return `Bearer ${c.token}`;
  if (c.type === "token") return `Token ${c.token}`;
  return undefined;
}

/** The URL of an API `path` (from its leading `/`) on an endpoint written with or without trailing slashes. */
export function endpointUrl(endpoint: string, path: string): string {
  return `${endpoint.replace(/\/+$/, "")}${path}`;
}

/** The answer handed to an adapter's parser: status 2xx and a parsed JSON body (or the text, see responseType). */
export interface SourceResponse {
  status: number;
  body: unknown;
}

/** One page of a paged answer (Cloud Monitoring's nextPageToken): its sets and the token of the next page. */
export interface SourcePage {
  sets: MetricSet[];
  nextPage?: string | undefined;
}

/** Pages one query may take before it is an error (a runaway query, or a source that never ends). */
export const MAX_PAGES = 100;

/** An adapter's way to reject a 2xx answer (a partial error, a GraphQL error, a bad shape). */
export class SourceAnswerError extends Error {
  override readonly name = "SourceAnswerError";
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}

const TRANSIENT_STATUS = (s: number): boolean => s === 408 || s === 429 || s >= 500;
const MAX_EXCERPT = 500;

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent
 * or unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): uniform in [0, min(cap, base·2^(n-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Base of every HTTP metric source: subclasses build the query, the request, and parse the answer. */
export abstract class HttpMetricSource implements MetricSource {
  abstract readonly sourceType: MetricsAccount["type"];
  protected readonly policy: RetryPolicy;
  /** The HTTP client (also for a source's own token requests). */
  protected readonly http: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onRetry: HttpSourceDeps["onRetry"];
  /** Secret values this source sends; scrubbed from every message it produces. */
  private readonly secrets: string[] = [];

  constructor(
    readonly account: MetricsAccount,
    deps: HttpSourceDeps = {},
  ) {
    this.policy = {
      ...DEFAULT_RETRY_POLICY,
      ...(account.timeoutMs !== undefined ? { timeoutMs: account.timeoutMs } : {}),
      ...(account.maxAttempts !== undefined ? { maxAttempts: account.maxAttempts } : {}),
      ...deps.retry,
    };
    this.http = deps.http ?? axios.create();
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.onRetry = deps.onRetry;
  }

  abstract buildQuery(request: MetricFetchRequest): string;
  /** The HTTP request for a final query (may fetch a token first); `page` is a paged source's next-page token. */
  protected abstract prepare(
    query: string,
    request: MetricFetchRequest,
    page?: string,
  ): Promise<SourceRequest>;
  /**
   * Metric sets from a 2xx answer (or a page of them and the next page's token); throw SourceAnswerError
   * for an error inside the answer.
   */
  protected abstract parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] | SourcePage;
  /** Join the sets of several pages (a paged source whose series may span pages overrides this). */
  protected combinePages(pages: MetricSet[][]): MetricSet[] {
    return pages.flat();
  }
  /** The source's own error message inside a non-2xx JSON body, if it has one. */
  protected errorMessageOf(body: unknown): string | undefined {
    return genericErrorMessage(body);
  }

  /** Register a secret value so it never appears in an error message. */
  protected registerSecret(value: string): void {
    if (value.length >= 4 && !this.secrets.includes(value)) this.secrets.push(value);
  }

  /**
   * Register the secrets of the credentials this source was given, so that none appears in an error (and so in
   * no log line or stored reason): a key or token as it is; of HttpCredentials the token, or basic's password
   * (its user name is not a secret).
   */
  protected registerCredentials(...credentials: (string | HttpCredentials)[]): void {
    for (const c of credentials) {
      if (typeof c === "string") this.registerSecret(c);
      else if (c.type === "basic") this.registerSecret(c.password);
      else if (c.type !== "none") this.registerSecret(c.token);
    }
  }

  /**
   * The metric's query when it is of a type this source sends (`types`), else a QueryBuildError naming the metric,
   * the query's type and this account.
   */
  protected queryOf<T extends QueryType>(
    request: MetricFetchRequest,
    ...types: T[]
  ): Extract<MetricQuery, { type: T }> {
    const q = request.metric.query;
    if (!(types as QueryType[]).includes(q.type))
      throw new QueryBuildError(
        `metric '${request.metric.name}': query type '${q.type}' cannot be sent to ${this.sourceType} account '${this.account.name}'`,
      );
    return q as Extract<MetricQuery, { type: T }>;
  }

  /** Fetch with retries; a query that cannot be built is a permanent MetricSourceError too. */
  async fetch(request: MetricFetchRequest): Promise<MetricFetchResult> {
    let query: string;
    try {
      query = this.buildQuery(request);
    } catch (err) {
      if (err instanceof QueryBuildError)
        throw this.fail("(not built)", { sourceMessage: err.message, transient: false, attempts: 0 }, err);
      throw err;
    }
    const pages: MetricSet[][] = [];
    let page: string | undefined;
    for (;;) {
      const answer = await this.send(query, request, page);
      pages.push(answer.sets);
      if (answer.nextPage === undefined || answer.nextPage === "") break;
      if (pages.length >= MAX_PAGES)
        throw this.fail(query, {
          sourceMessage: `the answer did not end after ${MAX_PAGES} pages: narrow the query or the window`,
          transient: false,
          attempts: 1,
        });
      page = answer.nextPage;
    }
    return { query, sets: pages.length === 1 ? (pages[0] ?? []) : this.combinePages(pages) };
  }

  private fail(
    query: string,
    details: { sourceMessage: string; transient: boolean; status?: number; attempts: number },
    cause?: unknown,
  ): MetricSourceError {
    return new MetricSourceError(
      {
        sourceType: this.sourceType,
        account: this.account.name,
        query,
        sourceMessage: this.scrub(details.sourceMessage),
        transient: details.transient,
        status: details.status,
        attempts: details.attempts,
      },
      cause !== undefined ? { cause } : undefined,
    );
  }

  private scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("***");
    return out;
  }

  /** Send one page with retries; returns its parsed sets or throws MetricSourceError. */
  private async send(
    query: string,
    request: MetricFetchRequest,
    page: string | undefined,
  ): Promise<SourcePage> {
    const policy = this.policy;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(query, request, attempt, page);
      if (outcome.ok) return outcome.page;
      const err = outcome.error;
      if (!err.transient || attempt >= policy.maxAttempts) throw err;
      let delay = backoffDelay(attempt, policy, this.random);
      if (outcome.retryAfterMs !== undefined) {
        if (outcome.retryAfterMs > policy.maxRetryAfterMs)
          throw this.fail(
            query,
            {
              sourceMessage: `${err.sourceMessage} (Retry-After ${Math.ceil(outcome.retryAfterMs / 1000)} s exceeds the ${policy.maxRetryAfterMs / 1000} s this source waits)`,
              transient: true,
              ...(err.status !== undefined ? { status: err.status } : {}),
              attempts: attempt,
            },
            err.cause,
          );
        delay = Math.max(delay, outcome.retryAfterMs);
      }
      this.onRetry?.({ attempt, delayMs: delay, reason: err.sourceMessage });
      await this.sleep(delay);
    }
  }

  private async attempt(
    query: string,
    request: MetricFetchRequest,
    attempt: number,
    page: string | undefined,
  ): Promise<
    { ok: true; page: SourcePage } | { ok: false; error: MetricSourceError; retryAfterMs?: number }
  > {
    let req: SourceRequest;
    try {
      req = await this.prepare(query, request, page);
    } catch (err) {
      if (err instanceof MetricSourceError)
        return {
          ok: false,
          error: this.fail(
            query,
            { sourceMessage: err.sourceMessage, transient: err.transient, attempts: attempt },
            err.cause,
          ),
        };
      return {
        ok: false,
        error: this.fail(
          query,
          {
            sourceMessage: `could not prepare the request: ${messageOf(err)}`,
            transient: false,
            attempts: attempt,
          },
          safeCause(err),
        ),
      };
    }
    const config: AxiosRequestConfig = {
      method: req.method,
      url: req.url,
      timeout: this.policy.timeoutMs,
      signal: AbortSignal.timeout(this.policy.timeoutMs),
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxRedirects: 0,
      ...(req.params ? { params: req.params } : {}),
      headers: {
        Accept: req.responseType === "text" ? "text/event-stream, text/plain, */*" : "application/json",
        ...(req.headers ?? {}),
      },
      ...(req.body !== undefined ? { data: req.body } : {}),
    };
    let status: number;
    let text: string;
    let retryAfter: unknown;
    try {
      const res = await this.http.request<string>(config);
      status = res.status;
      text = typeof res.data === "string" ? res.data : JSON.stringify(res.data);
      retryAfter = (res.headers as Record<string, unknown>)["retry-after"];
    } catch (err) {
      const timedOut = isTimeout(err);
      return {
        ok: false,
        error: this.fail(
          query,
          {
            sourceMessage: timedOut
              ? `no answer within ${this.policy.timeoutMs} ms`
              : `network error: ${messageOf(err)}`,
            transient: true,
            attempts: attempt,
          },
          safeCause(err),
        ),
      };
    }
    const parsed = parseJson(text);
    if (status < 200 || status > 299) {
      const own = parsed.ok ? this.errorMessageOf(parsed.value) : undefined;
      const retryAfterMs = parseRetryAfter(retryAfter, this.now());
      return {
        ok: false,
        error: this.fail(query, {
          sourceMessage: own ?? (excerpt(text) || `HTTP ${status} with an empty body`),
          transient: TRANSIENT_STATUS(status),
          status,
          attempts: attempt,
        }),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    const asText = req.responseType === "text";
    if (!asText && !parsed.ok)
      return {
        ok: false,
        error: this.fail(query, {
          sourceMessage: `malformed JSON in the answer (${parsed.reason}): ${excerpt(text)}`,
          transient: true,
          status,
          attempts: attempt,
        }),
      };
    try {
      const out = this.parse({ status, body: asText ? text : parsed.ok ? parsed.value : undefined }, request);
      return { ok: true, page: Array.isArray(out) ? { sets: out } : out };
    } catch (err) {
      if (err instanceof SourceAnswerError)
        return {
          ok: false,
          error: this.fail(query, {
            sourceMessage: err.message,
            transient: err.transient,
            status,
            attempts: attempt,
          }),
        };
      throw err;
    }
  }
}

/** What a source is given to authenticate, read from its settings: a key or token, or HttpCredentials. */
export type SourceCredentials = string | HttpCredentials;

/**
 * A credentialed source's constructor arguments after the account: its credentials (optional, and then none,
 * where none is one of their forms) and its deps.
 */
export type CredentialArgs<C extends SourceCredentials> = [{ type: "none" }] extends [C]
  ? [credentials?: C, deps?: HttpSourceDeps]
  : [credentials: C, deps?: HttpSourceDeps];

/**
 * Base of the sources given credentials (a key or token, or HttpCredentials): it keeps them as `credentials` and
 * registers their secrets (registerCredentials) when the source is made, so an adapter needs no constructor.
 */
export abstract class CredentialedHttpMetricSource<
  A extends MetricsAccount,
  C extends SourceCredentials,
> extends HttpMetricSource {
  protected readonly credentials: C;

  constructor(account: A, ...[credentials, deps]: CredentialArgs<C>) {
    super(account, deps);
    // Only credentials that have a none form may be left out (CredentialArgs), so the cast holds.
    this.credentials = credentials ?? ({ type: "none" } as C);
    this.registerCredentials(this.credentials);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: messageOf(err) };
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT)}…` : flat;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function isTimeout(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  return (
    e.code === "ECONNABORTED" ||
    e.code === "ETIMEDOUT" ||
    e.code === "ERR_CANCELED" ||
    e.name === "TimeoutError" ||
    e.name === "CanceledError" ||
    (typeof e.message === "string" && /timeout/i.test(e.message))
  );
}

/** A cause without the request config (axios errors carry headers, i.e. credentials). */
function safeCause(err: unknown): Error {
  const out = new Error(messageOf(err));
  out.name = err instanceof Error ? err.name : "Error";
  return out;
}

/** Common error fields: Prometheus `error`, Azure `error.message`, Datadog/GraphQL `errors[]`. */
export function genericErrorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const err = b["error"];
  if (typeof err === "string") {
    const type = typeof b["errorType"] === "string" ? `${b["errorType"]}: ` : "";
    return type + err;
  }
  if (typeof err === "object" && err !== null) {
    const e = err as Record<string, unknown>;
    const parts = [e["code"], e["message"]].filter((x): x is string => typeof x === "string");
    const inner = e["innererror"] as Record<string, unknown> | undefined;
    if (inner && typeof inner["message"] === "string") parts.push(inner["message"]);
    if (parts.length > 0) return parts.join(": ");
  }
  const errors = b["errors"];
  if (Array.isArray(errors) && errors.length > 0)
    return errors
      .map((e) =>
        typeof e === "string"
          ? e
          : typeof e === "object" &&
              e !== null &&
              typeof (e as Record<string, unknown>)["message"] === "string"
            ? ((e as Record<string, unknown>)["message"] as string)
            : JSON.stringify(e),
      )
      .join("; ");
  if (typeof b["message"] === "string") return b["message"];
  return undefined;
}

/** Read a JSON number or Prometheus' string forms ("NaN", "+Inf", "-Inf", "1.5"); null → NaN. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value === null || value === undefined) return NaN;
  if (typeof value === "string") {
    const t = value.trim();
    if (t === "+Inf" || t === "Inf" || t === "Infinity" || t === "+Infinity") return Infinity;
    if (t === "-Inf" || t === "-Infinity") return -Infinity;
    if (t === "NaN" || t === "") return NaN;
    return Number(t);
  }
  return NaN;
}
