// Local stand-ins for cloud metric APIs (node:http on 127.0.0.1:0): scripted answers in the documented shapes, errors and rate limits included.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, TokenCredential } from "@azure/identity";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A value is sent as JSON; a string is sent as is (for malformed JSON). */
  body?: unknown;
  /** Wait this long before answering (slow answers, timeouts). */
  delayMs?: number;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type FakeHandler = (req: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((answer) => {
        const send = () => {
          if (res.destroyed) return;
          const raw =
            typeof answer.body === "string"
              ? answer.body
              : answer.body === undefined
                ? ""
                : JSON.stringify(answer.body);
          res.writeHead(answer.status ?? 200, {
            "Content-Type": "application/json",
            ...(answer.headers ?? {}),
          });
          res.end(raw);
        };
        if (answer.delayMs) {
          const t = setTimeout(() => {
            timers.delete(t);
            send();
          }, answer.delayMs);
          timers.add(t);
        } else send();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answer with `answers` in turn, then `rest` for every later request. */
export function scripted(answers: FakeAnswer[], rest: FakeAnswer): FakeHandler {
  let i = 0;
  return () => answers[i++] ?? rest;
}

// --- documented shapes ---------------------------------------------------------------------------

/** Prometheus `query_range` success (prometheus.io/docs/prometheus/latest/querying/api/#range-queries). */
export function prometheusMatrix(series: { metric: Record<string, string>; values: [number, string][] }[]) {
  return { status: "success", data: { resultType: "matrix", result: series } };
}
/** Prometheus error body (`errorType` bad_data, execution, timeout, …). */
export function prometheusError(errorType: string, error: string) {
  return { status: "error", errorType, error };
}
/** Log Analytics query answer (learn.microsoft.com azure-monitor/logs/api/response-format). */
export function logAnalyticsTables(
  columns: { name: string; type: string }[],
  rows: unknown[][],
  error?: unknown,
) {
  return { tables: [{ name: "PrimaryResult", columns, rows }], ...(error !== undefined ? { error } : {}) };
}
/** Azure error body: `{ error: { code, message, innererror? } }`. */
export function azureError(code: string, message: string) {
  return { error: { code, message, innererror: { code: `${code}Inner`, message: `${message} (inner)` } } };
}
/** Datadog `GET /api/v1/query` answer (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points). */
export function datadogSeries(
  query: string,
  series: { tag_set: string[]; pointlist: [number, number | null][] }[],
) {
  return {
    status: "ok",
    res_type: "time_series",
    query,
    from_date: 0,
    to_date: 0,
    series: series.map((s) => ({
      metric: query,
      display_name: query,
      scope: s.tag_set.join(",") || "*",
      expression: query,
      interval: 60,
      length: s.pointlist.length,
      aggr: "avg",
      ...s,
    })),
  };
}
/** Datadog error body: `{ errors: [...] }`. */
export function datadogErrors(...errors: string[]) {
  return { errors };
}
/** NerdGraph NRQL answer (`data.actor.account.nrql.results`). */
export function nerdGraphResults(results: Record<string, unknown>[]) {
  return { data: { actor: { account: { nrql: { results } } } } };
}
/** NerdGraph error answer (HTTP 200 with `errors`). */
export function nerdGraphErrors(...messages: string[]) {
  return {
    data: { actor: { account: { nrql: null } } },
    errors: messages.map((message) => ({ message, path: ["actor", "account", "nrql"] })),
  };
}

/** A TokenCredential that records the scopes asked for and hands out a fixed token. */
export function fakeCredential(token = "fake-entra-token"): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (scope: string | string[]): Promise<AccessToken> => {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token, expiresOnTimestamp: 4_102_444_800_000 };
    },
  };
}
