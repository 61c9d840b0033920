// Local stand-ins for cloud metric APIs (node:http on 127.0.0.1:0): scripted answers in the documented shapes, errors and rate limits included.
import { generateKeyPairSync, verify, type KeyObject } from "node:crypto";
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

// --- Google Cloud Monitoring, SignalFx, Wavefront ------------------------------------------------

/** A fresh service-account key file (its JSON text) whose token_uri is `tokenUri`, and its public key. */
export function serviceAccountKey(tokenUri: string): {
  json: string;
  publicKey: KeyObject;
  clientEmail: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = "canary-reader@my-project.iam.gserviceaccount.com";
  const json = JSON.stringify({
    type: "service_account",
    project_id: "my-project",
    private_key_id: "0123456789abcdef",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: clientEmail,
    client_id: "1234567890",
    token_uri: tokenUri,
  });
  return { json, publicKey, clientEmail };
}

/**
 * Google's OAuth2 token endpoint for the JWT-bearer grant: checks the grant type and the assertion's
 * RS256 signature, issuer, audience and scope; answers `{ access_token, expires_in, token_type }`,
 * or `400 { error: "invalid_grant" }` as Google does.
 */
export function googleTokenAnswer(
  req: RecordedRequest,
  key: { publicKey: KeyObject; clientEmail: string },
  audience: string,
  token = "ya29.fake-access-token",
): FakeAnswer {
  const form = new URLSearchParams(req.body);
  const invalid = (description: string): FakeAnswer => ({
    status: 400,
    body: { error: "invalid_grant", error_description: description },
  });
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
    return invalid("bad grant_type");
  const [h, c, s] = (form.get("assertion") ?? "").split(".");
  if (!h || !c || !s) return invalid("malformed assertion");
  if (!verify("RSA-SHA256", Buffer.from(`${h}.${c}`), key.publicKey, Buffer.from(s, "base64url")))
    return invalid("Invalid JWT Signature.");
  const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown>;
  if (claims["iss"] !== key.clientEmail || claims["aud"] !== audience) return invalid("bad iss or aud");
  if (claims["scope"] !== "https://www.googleapis.com/auth/monitoring.read") return invalid("bad scope");
  return { body: { access_token: token, expires_in: 3599, token_type: "Bearer" } };
}

/** A Cloud Monitoring TimeSeries (points given oldest first; the API sends them newest first). */
export function cloudMonitoringSeries(
  labels: { metric?: Record<string, string>; resource?: Record<string, string> },
  points: [string, number][],
  valueType: "DOUBLE" | "INT64" = "DOUBLE",
) {
  return {
    metric: { type: "compute.googleapis.com/instance/cpu/utilization", labels: labels.metric ?? {} },
    resource: { type: "gce_instance", labels: { project_id: "my-project", ...(labels.resource ?? {}) } },
    metricKind: "GAUGE",
    valueType,
    points: [...points].reverse().map(([end, v]) => ({
      interval: { startTime: end, endTime: end },
      value: valueType === "INT64" ? { int64Value: String(v) } : { doubleValue: v },
    })),
  };
}
/** `projects.timeSeries.list` answer (cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/list). */
export function cloudMonitoringList(
  timeSeries: unknown[],
  extra: { nextPageToken?: string; executionErrors?: { code: number; message: string }[] } = {},
) {
  return { ...(timeSeries.length > 0 ? { timeSeries } : {}), unit: "1", ...extra };
}
/** Google API error body: `{ error: { code, message, status } }`. */
export function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}

/** A SignalFlow `execute` answer as a Server-Sent Events stream (dev.splunk.com SignalFlow API, SSE transport). */
export function signalFlowStream(
  points: { t: number; value?: number; tsId?: string }[],
  options: { end?: "END_OF_CHANNEL" | "CHANNEL_ABORT" | "none"; error?: unknown; extraSeries?: string } = {},
): string {
  const ev = (event: string, data: unknown) =>
    `event: ${event}\n${JSON.stringify(data, null, 2)
      .split("\n")
      .map((l) => `data: ${l}`)
      .join("\n")}\n\n`;
  let out = ev("control-message", { event: "STREAM_START", timestampMs: 1 });
  out += ev("control-message", { event: "JOB_START", handle: "Dnpkj7dAYAA", timestampMs: 2 });
  if (options.error !== undefined) return out + ev("error", options.error);
  out += ev("metadata", {
    tsId: "AAAAAFOJhJg",
    properties: { sf_metric: "_SF_COMP_PUBLISH", "canary-scope": "x" },
  });
  out += ev("message", {
    logicalTimestampMs: points[0]?.t ?? 0,
    message: {
      messageCode: "JOB_RUNNING_RESOLUTION",
      messageLevel: "INFO",
      contents: { resolutionMs: 60000 },
    },
  });
  for (const p of points)
    out += ev("data", {
      data: p.value === undefined ? [] : [{ tsId: p.tsId ?? "AAAAAFOJhJg", value: p.value }],
      logicalTimestampMs: p.t,
      maxDelayMs: 3438,
    });
  if (options.end === "CHANNEL_ABORT")
    out += ev("control-message", {
      event: "CHANNEL_ABORT",
      abortInfo: { sf_job_abortReason: "Computation timed out", sf_job_abortState: "TIMEOUT" },
      timestampMs: 3,
    });
  else if (options.end !== "none") out += ev("control-message", { event: "END_OF_CHANNEL", timestampMs: 3 });
  return out;
}
/** SignalFx REST error body: `{ code, errorType, message }`. */
export function signalFxError(code: number, errorType: string, message: string) {
  return { code, errorType, message, context: {} };
}

/** Wavefront chart API answer (`GET /api/v2/chart/api`, QueryResult). */
export function wavefrontChart(
  query: string,
  timeseries: { tags?: Record<string, string>; host?: string; data: [number, number][] }[] | undefined,
  extra: Record<string, unknown> = {},
) {
  return {
    name: "coalmine",
    query,
    granularity: 60,
    stats: { keys: 1, points: 10 },
    ...(timeseries !== undefined
      ? {
          timeseries: timeseries.map((t) => ({
            label: query,
            host: t.host ?? "host-1",
            tags: t.tags ?? {},
            data: t.data,
          })),
        }
      : {}),
    ...extra,
  };
}
/** Wavefront error body: `{ status: { result: "ERROR", message, code } }`. */
export function wavefrontError(code: number, message: string) {
  return { status: { result: "ERROR", message, code } };
}
