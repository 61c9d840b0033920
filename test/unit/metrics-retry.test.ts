// The shared HTTP layer against a local server: Retry-After, 5xx, malformed JSON, timeouts, auth failures, a 429 storm, a permanent 400.
import { afterEach, describe, expect, it } from "vitest";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type HttpSourceDeps,
} from "../../src/metrics/http-source-base";
import type { MetricFetchRequest } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import { PrometheusMetricSource } from "../../src/metrics/prometheus-source";
import {
  prometheusError,
  prometheusMatrix,
  scripted,
  startFakeServer,
  type FakeAnswer,
  type FakeServer,
} from "../helpers/fake-metric-servers";

const TOKEN = "s3cret-bearer-token-value";
const NOW = Date.parse("2026-11-23T12:00:00Z");
const OK = prometheusMatrix([
  {
    metric: {},
    values: [
      [1795435200, "1.5"],
      [1795435260, "NaN"],
      [1795435320, "+Inf"],
    ],
  },
]);

const config: CanaryConfig = {
  name: "c",
  metrics: [
    {
      name: "errors",
      query: { type: "prometheus", metricName: "http_errors_total", customInlineTemplate: 'app="${scope}"' },
    },
  ],
};
const request: MetricFetchRequest = {
  config,
  metric: config.metrics[0]!,
  scope: { scope: "checkout-canary" },
  window: { start: "2026-11-23T11:00:00Z", end: "2026-11-23T11:10:00Z", stepSeconds: 60 },
};
const QUERY = 'avg(http_errors_total{app="checkout-canary"})';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(
  answers: FakeAnswer[],
  rest: FakeAnswer = { body: OK },
  retry: HttpSourceDeps["retry"] = {},
) {
  server = await startFakeServer(scripted(answers, rest));
  const delays: number[] = [];
  const source = new PrometheusMetricSource(
    { type: "prometheus", name: "prom-test", endpoint: server.url },
    { type: "bearer", token: TOKEN },
    { sleep: async (ms) => void delays.push(ms), random: () => 0.5, now: () => NOW, retry },
  );
  return { source, delays, requests: server.requests };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a MetricSourceError");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(MetricSourceError);
      return e as MetricSourceError;
    },
  );

describe("retries", () => {
  it("honours Retry-After in seconds on a 429, then returns the data", async () => {
    const { source, delays, requests } = await setup([
      { status: 429, headers: { "Retry-After": "3" }, body: prometheusError("too_many", "slow down") },
    ]);
    const result = await source.fetch(request);
    expect(result.query).toBe(QUERY);
    expect(result.sets[0]!.values).toEqual([1.5, NaN, Infinity]);
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([3000]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const at = new Date(NOW + 7000).toUTCString();
    const { source, delays } = await setup([{ status: 503, headers: { "Retry-After": at } }]);
    await source.fetch(request);
    expect(delays).toEqual([7000]);
  });

  it("retries 500s with full-jitter exponential backoff and gets the data", async () => {
    const { source, delays, requests } = await setup([
      { status: 500 },
      { status: 502 },
      { status: 500, body: "oops" },
    ]);
    const result = await source.fetch(request);
    expect(result.sets).toHaveLength(1);
    expect(requests).toHaveLength(4);
    // random() = 0.5 → half the ceiling base·2^(n-1)
    expect(delays).toEqual([250, 500, 1000]);
  });

  it("gives up after maxAttempts on persistent 500s with a transient error", async () => {
    const { source, requests } = await setup(
      [],
      { status: 500, body: prometheusError("internal", "storage is on fire") },
      { maxAttempts: 4 },
    );
    const err = await failure(source.fetch(request));
    expect(requests).toHaveLength(4);
    expect(err).toMatchObject({
      transient: true,
      status: 500,
      attempts: 4,
      account: "prom-test",
      sourceType: "prometheus",
      query: QUERY,
    });
    expect(err.sourceMessage).toBe("internal: storage is on fire");
  });

  it("survives a 429 storm: five 429s, then success", async () => {
    const storm = Array.from({ length: 5 }, () => ({ status: 429, headers: { "Retry-After": "1" } }));
    const { source, delays, requests } = await setup(storm);
    const result = await source.fetch(request);
    expect(result.sets[0]!.values[0]).toBe(1.5);
    expect(requests).toHaveLength(6);
    expect(delays).toEqual([1000, 1000, 1000, 2000, 4000]);
  });

  it("stops waiting when Retry-After asks for more than the cap (transient: the activity retries later)", async () => {
    const { source, delays, requests } = await setup([{ status: 429, headers: { "Retry-After": "3600" } }]);
    const err = await failure(source.fetch(request));
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(err.transient).toBe(true);
    expect(err.sourceMessage).toContain("Retry-After 3600 s exceeds");
  });

  it("retries malformed JSON and reports it when it persists", async () => {
    const { source, requests } = await setup(
      [],
      { status: 200, body: '{"status":"success","data":{' },
      { maxAttempts: 2 },
    );
    const err = await failure(source.fetch(request));
    expect(requests).toHaveLength(2);
    expect(err.transient).toBe(true);
    expect(err.sourceMessage).toMatch(/^malformed JSON in the answer/);
  });

  it("times out a slow answer and retries it", async () => {
    const { source, requests } = await setup([{ delayMs: 2000, body: OK }], { body: OK }, { timeoutMs: 150 });
    const result = await source.fetch(request);
    expect(result.sets).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it("reports a timeout when every answer is slow", async () => {
    const { source } = await setup([], { delayMs: 2000, body: OK }, { timeoutMs: 100, maxAttempts: 2 });
    const err = await failure(source.fetch(request));
    expect(err).toMatchObject({ transient: true, attempts: 2, status: undefined });
    expect(err.sourceMessage).toBe("no answer within 100 ms");
  });

  it("retries network errors (nothing listening)", async () => {
    const { source } = await setup([]);
    await server!.close();
    server = undefined;
    const err = await failure(source.fetch(request));
    expect(err.transient).toBe(true);
    expect(err.attempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(err.sourceMessage).toMatch(/^network error: .*ECONNREFUSED/);
  });
});

describe("permanent failures", () => {
  it.each([401, 403, 404])(
    "fails at once on %i without retrying, never showing the credential",
    async (status) => {
      const { source, requests, delays } = await setup([], {
        status,
        body: { error: `denied for Bearer ${TOKEN}` },
      });
      const err = await failure(source.fetch(request));
      expect(requests).toHaveLength(1);
      expect(requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(delays).toEqual([]);
      expect(err).toMatchObject({ transient: false, status, attempts: 1 });
      expect(err.message).not.toContain(TOKEN);
      expect(JSON.stringify(err)).not.toContain(TOKEN);
      expect(err.sourceMessage).toBe("denied for Bearer ***");
    },
  );

  it("fails a 400 after exactly one attempt with a clear message holding the query", async () => {
    const { source, requests } = await setup([], {
      status: 400,
      body: prometheusError(
        "bad_data",
        'invalid parameter "query": 1:17: parse error: unexpected end of input',
      ),
    });
    const err = await failure(source.fetch(request));
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query.get("query")).toBe(QUERY);
    expect(err.message).toMatchInlineSnapshot(
      `"prometheus account 'prom-test' failed (permanent, 1 attempt): HTTP 400: bad_data: invalid parameter "query": 1:17: parse error: unexpected end of input — query: avg(http_errors_total{app="checkout-canary"})"`,
    );
  });

  it("sends query_range with start, end and the step in seconds", async () => {
    const { source, requests } = await setup([]);
    await source.fetch(request);
    const q = requests[0]!.query;
    expect(requests[0]!.path).toBe("/api/v1/query_range");
    expect(Object.fromEntries(q)).toEqual({
      query: QUERY,
      start: "2026-11-23T11:00:00Z",
      end: "2026-11-23T11:10:00Z",
      step: "60",
    });
  });

  it("sends basic auth", async () => {
    server = await startFakeServer(() => ({ body: OK }));
    const source = new PrometheusMetricSource(
      { type: "prometheus", name: "p", endpoint: `${server.url}/` },
      { type: "basic", username: "reader", password: "pa55word" },
    );
    await source.fetch(request);
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("reader:pa55word").toString("base64")}`,
    );
  });
});

describe("backoff arithmetic", () => {
  it("parses Retry-After seconds and dates, ignores junk", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it("draws full jitter below min(cap, base·2^(n-1))", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});
