// Contract tests of the cloud adapters against local servers answering in the documented shapes (Azure Monitor, Log Analytics, Datadog, New Relic).
import { afterEach, describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { AzureMonitorPrometheusMetricSource } from "../../src/metrics/azure-monitor-prometheus-source";
import { DatadogMetricSource } from "../../src/metrics/datadog-source";
import { LogAnalyticsMetricSource } from "../../src/metrics/log-analytics-source";
import type { MetricFetchRequest } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import { NewRelicMetricSource } from "../../src/metrics/new-relic-source";
import {
  azureError,
  datadogErrors,
  datadogSeries,
  fakeCredential,
  logAnalyticsTables,
  nerdGraphErrors,
  nerdGraphResults,
  prometheusMatrix,
  scripted,
  startFakeServer,
  type FakeAnswer,
  type FakeServer,
} from "../helpers/fake-metric-servers";

const noWait = { sleep: async () => {}, random: () => 0 };
const WINDOW = { start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z", stepSeconds: 60 };

function req(
  query: MetricConfig["query"],
  scope = "checkout-canary",
  extra: Partial<CanaryConfig> = {},
): MetricFetchRequest {
  const config: CanaryConfig = { name: "c", metrics: [{ name: "p95 latency", query }], ...extra };
  return {
    config,
    metric: config.metrics[0]!,
    scope: { scope, location: "westeurope", extendedScopeParams: { env: "prod" } },
    window: WINDOW,
  };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(answers: FakeAnswer[], rest: FakeAnswer) {
  server = await startFakeServer(scripted(answers, rest));
  return server;
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a MetricSourceError");
    },
    (e: unknown) => e as MetricSourceError,
  );

describe("AzureMonitorPrometheusMetricSource", () => {
  it("sends the Prometheus query with an Entra token for prometheus.monitor.azure.com", async () => {
    const s = await serve([], {
      body: prometheusMatrix([{ metric: { __name__: "x", pod: "a" }, values: [[1795431600, "2"]] }]),
    });
    const credential = fakeCredential("entra-abc");
    const source = new AzureMonitorPrometheusMetricSource(
      { type: "azure-monitor-prometheus", name: "amw", endpoint: s.url },
      credential,
      noWait,
    );
    const result = await source.fetch(
      req({ type: "azure-monitor-prometheus", metricName: "up", customInlineTemplate: 'job="${scope}"' }),
    );
    expect(credential.scopes).toEqual(["https://prometheus.monitor.azure.com/.default"]);
    expect(s.requests[0]!.headers.authorization).toBe("Bearer entra-abc");
    expect(s.requests[0]!.query.get("query")).toBe('avg(up{job="checkout-canary"})');
    expect(result.sets).toEqual([
      { name: "p95 latency", tags: { pod: "a" }, timestamps: [1795431600000], values: [2] },
    ]);
  });

  it("turns a credential failure into a permanent error that names the scope", async () => {
    const s = await serve([], { body: {} });
    const source = new AzureMonitorPrometheusMetricSource(
      { type: "azure-monitor-prometheus", name: "amw", endpoint: s.url },
      {
        getToken: async () => {
          throw Object.assign(new Error("No managed identity endpoint found.\nmore lines"), {
            name: "CredentialUnavailableError",
          });
        },
      },
      noWait,
    );
    const err = await failure(
      source.fetch(
        req({ type: "azure-monitor-prometheus", metricName: "up", customInlineTemplate: 'job="${scope}"' }),
      ),
    );
    expect(err.transient).toBe(false);
    expect(s.requests).toHaveLength(0);
    expect(err.message).toBe(
      "azure-monitor-prometheus account 'amw' failed (permanent, 1 attempt): could not get an Entra token for " +
        'https://prometheus.monitor.azure.com/.default: CredentialUnavailableError: No managed identity endpoint found. — query: avg(up{job="checkout-canary"})',
    );
  });
});

describe("LogAnalyticsMetricSource", () => {
  const kql =
    'AppRequests | where AppRoleName == "${scope}" and ClientCountryOrRegion != "${location}" | summarize p95 = percentile(DurationMs, 95) by bin(TimeGenerated, 1m), AppRoleInstance';
  const columns = [
    { name: "TimeGenerated", type: "datetime" },
    { name: "AppRoleInstance", type: "string" },
    { name: "p95", type: "real" },
  ];

  const source = (url: string, credential = fakeCredential()) =>
    new LogAnalyticsMetricSource(
      { type: "log-analytics", name: "la", endpoint: url, workspaceId: "ws-123" },
      credential,
      noWait,
    );

  it("posts templated KQL with the window as timespan and reads the column convention", async () => {
    const s = await serve([], {
      body: logAnalyticsTables(columns, [
        ["2026-11-23T11:01:00Z", "pod-b", 120.5],
        ["2026-11-23T11:00:00Z", "pod-a", 100],
        ["2026-11-23T11:01:00Z", "pod-a", null],
      ]),
    });
    const credential = fakeCredential("la-token");
    const result = await source(s.url, credential).fetch(req({ type: "log-analytics", query: kql }));
    expect(credential.scopes).toEqual(["https://api.loganalytics.io/.default"]);
    const sent = s.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/workspaces/ws-123/query");
    expect(sent.headers.authorization).toBe("Bearer la-token");
    expect(JSON.parse(sent.body)).toEqual({
      query:
        'AppRequests | where AppRoleName == "checkout-canary" and ClientCountryOrRegion != "westeurope" | summarize p95 = percentile(DurationMs, 95) by bin(TimeGenerated, 1m), AppRoleInstance',
      timespan: "2026-11-23T11:00:00.000Z/2026-11-23T11:10:00.000Z",
    });
    expect(result.sets).toEqual([
      {
        name: "p95 latency",
        tags: { AppRoleInstance: "pod-b" },
        timestamps: [Date.parse("2026-11-23T11:01:00Z")],
        values: [120.5],
      },
      {
        name: "p95 latency",
        tags: { AppRoleInstance: "pod-a" },
        timestamps: [Date.parse("2026-11-23T11:00:00Z"), Date.parse("2026-11-23T11:01:00Z")],
        values: [100, NaN],
      },
    ]);
  });

  it("uses explicit timeColumn, valueColumn and tagColumns", async () => {
    const s = await serve([], {
      body: logAnalyticsTables(
        [
          { name: "t", type: "datetime" },
          { name: "count_", type: "long" },
          { name: "avg", type: "real" },
          { name: "Name", type: "string" },
        ],
        [["2026-11-23T11:00:00Z", 5, 0.25, "GET /"]],
      ),
    });
    const result = await source(s.url).fetch(
      req({
        type: "log-analytics",
        query: "AppRequests",
        timeColumn: "t",
        valueColumn: "count_",
        tagColumns: [],
      }),
    );
    expect(result.sets).toEqual([
      { name: "p95 latency", tags: {}, timestamps: [Date.parse("2026-11-23T11:00:00Z")], values: [5] },
    ]);
  });

  it("treats a partial error beside the tables as an error", async () => {
    const s = await serve([], {
      body: logAnalyticsTables(columns, [["2026-11-23T11:00:00Z", "a", 1]], {
        code: "PartialError",
        message: "There were some errors when processing your query.",
        details: [{ code: "EngineError", message: "Query exceeded the memory limit" }],
      }),
    });
    const err = await failure(source(s.url).fetch(req({ type: "log-analytics", query: kql })));
    expect(err.transient).toBe(false);
    expect(s.requests).toHaveLength(1);
    expect(err.sourceMessage).toBe(
      "partial result: PartialError: There were some errors when processing your query.",
    );
  });

  it("reports a bad query (400) with Azure's own message, once", async () => {
    const s = await serve([], {
      status: 400,
      body: azureError("BadArgumentError", "The request had some invalid properties"),
    });
    const err = await failure(
      source(s.url).fetch(req({ type: "log-analytics", query: "AppRequests | summarize" })),
    );
    expect(s.requests).toHaveLength(1);
    expect(err).toMatchObject({ status: 400, transient: false, query: "AppRequests | summarize" });
    expect(err.sourceMessage).toBe(
      "BadArgumentError: The request had some invalid properties: The request had some invalid properties (inner)",
    );
  });

  it("retries a 429 with Retry-After and a 503", async () => {
    const s = await serve(
      [
        { status: 429, headers: { "Retry-After": "2" }, body: azureError("ThrottledError", "too many") },
        { status: 503 },
      ],
      { body: logAnalyticsTables(columns, []) },
    );
    const result = await source(s.url).fetch(req({ type: "log-analytics", query: kql }));
    expect(result.sets).toEqual([]);
    expect(s.requests).toHaveLength(3);
  });

  it("names an unknown variable in the KQL without calling the API", async () => {
    const s = await serve([], { body: {} });
    const err = await failure(
      source(s.url).fetch(req({ type: "log-analytics", query: 'AppRequests | where Cloud == "${cluster}"' })),
    );
    expect(s.requests).toHaveLength(0);
    expect(err.transient).toBe(false);
    expect(err.sourceMessage).toBe(
      "metric 'p95 latency': Problem evaluating custom filter template: unknown variable '${cluster}' (known: env, location, scope)",
    );
  });

  it("says which column is missing", async () => {
    const s = await serve([], { body: logAnalyticsTables(columns, []) });
    const err = await failure(
      source(s.url).fetch(req({ type: "log-analytics", query: kql, valueColumn: "p99" })),
    );
    expect(err.sourceMessage).toBe(
      "value column 'p99' is not in the result (columns: TimeGenerated, AppRoleInstance, p95)",
    );
  });
});

describe("DatadogMetricSource", () => {
  const keys = { apiKey: "dd-api-key-0001", appKey: "dd-app-key-0002" };
  const source = (url: string) =>
    new DatadogMetricSource(
      {
        type: "datadog",
        name: "dd",
        endpoint: url,
        auth: { type: "api-key", apiKeySetting: "DD_API", appKeySetting: "DD_APP" },
      },
      keys,
      noWait,
    );

  it("queries /api/v1/query with the keys as headers and epoch-second bounds", async () => {
    const s = await serve([], {
      body: datadogSeries("avg:trace.http.request.duration{service:checkout,version:canary}", [
        {
          tag_set: ["version:canary", "host:h1"],
          pointlist: [
            [1795431600000, 0.31],
            [1795431660000, null],
          ],
        },
      ]),
    });
    const result = await source(s.url).fetch(
      req({
        type: "datadog",
        metricName: "avg:trace.http.request.duration",
        customInlineTemplate: "service:checkout,version:${env}",
      }),
    );
    const sent = s.requests[0]!;
    expect(sent.path).toBe("/api/v1/query");
    expect(sent.headers["dd-api-key"]).toBe(keys.apiKey);
    expect(sent.headers["dd-application-key"]).toBe(keys.appKey);
    expect(Object.fromEntries(sent.query)).toEqual({
      from: String(Date.parse(WINDOW.start) / 1000),
      to: String(Date.parse(WINDOW.end) / 1000),
      query: "avg:trace.http.request.duration{service:checkout,version:prod}",
    });
    expect(result.sets).toEqual([
      {
        name: "p95 latency",
        tags: { version: "canary", host: "h1" },
        timestamps: [1795431600000, 1795431660000],
        values: [0.31, NaN],
      },
    ]);
  });

  it("uses the scope as the tag filter when there is no template", async () => {
    const s = await serve([], { body: datadogSeries("q", []) });
    const result = await source(s.url).fetch(
      req({ type: "datadog", metricName: "avg:system.cpu.user" }, "service:checkout-canary"),
    );
    expect(result.query).toBe("avg:system.cpu.user{service:checkout-canary}");
    expect(result.sets).toEqual([]);
  });

  it("fails 403 at once with Datadog's errors and no key in the message", async () => {
    const s = await serve([], { status: 403, body: datadogErrors("Forbidden") });
    const err = await failure(source(s.url).fetch(req({ type: "datadog", metricName: "avg:x" })));
    expect(s.requests).toHaveLength(1);
    expect(err).toMatchObject({ status: 403, transient: false, sourceMessage: "Forbidden" });
    expect(err.message).not.toContain(keys.apiKey);
  });

  it("reports status:error inside a 200 as a permanent error", async () => {
    const s = await serve([], {
      body: { status: "error", error: "Error parsing query: unexpected '}'", series: [] },
    });
    const err = await failure(source(s.url).fetch(req({ type: "datadog", metricName: "avg:x}" })));
    expect(err).toMatchObject({
      transient: false,
      sourceMessage: "Error parsing query: unexpected '}'",
      status: 200,
    });
  });

  it("retries 429 with Retry-After (rate limit) and malformed JSON", async () => {
    const s = await serve(
      [
        {
          status: 429,
          headers: { "Retry-After": "1", "X-RateLimit-Reset": "1" },
          body: datadogErrors("Rate limit exceeded"),
        },
        { status: 200, body: "<html>bad gateway</html>" },
      ],
      { body: datadogSeries("q", [{ tag_set: [], pointlist: [[1795431600000, 1]] }]) },
    );
    const result = await source(s.url).fetch(req({ type: "datadog", metricName: "avg:x" }));
    expect(result.sets[0]!.values).toEqual([1]);
    expect(s.requests).toHaveLength(3);
  });
});

describe("NewRelicMetricSource", () => {
  const source = (url: string) =>
    new NewRelicMetricSource(
      {
        type: "newrelic",
        name: "nr",
        endpoint: url,
        accountId: 1234567,
        auth: { type: "api-key", apiKeySetting: "NR_KEY" },
      },
      "NRAK-SECRETSECRET",
      noWait,
    );
  const query = {
    type: "newrelic" as const,
    select: "SELECT percentile(duration, 95) FROM Transaction",
    q: "name = '${env}'",
  };

  it("posts NRQL with SINCE/UNTIL/TIMESERIES through NerdGraph with the API key", async () => {
    const s = await serve([], {
      body: nerdGraphResults([
        { beginTimeSeconds: 1795431600, endTimeSeconds: 1795431660, "percentile.duration": { "95": 0.42 } },
        { beginTimeSeconds: 1795431660, endTimeSeconds: 1795431720, "percentile.duration": { "95": 0.4 } },
      ]),
    });
    const result = await source(s.url).fetch(req(query));
    const sent = s.requests[0]!;
    expect(sent.path).toBe("/graphql");
    expect(sent.headers["api-key"]).toBe("NRAK-SECRETSECRET");
    const body = JSON.parse(sent.body);
    expect(body.variables).toEqual({
      accountId: 1234567,
      nrql:
        "SELECT percentile(duration, 95) FROM Transaction WHERE appName = 'checkout-canary' AND (name = 'prod') " +
        `SINCE ${Date.parse(WINDOW.start)} UNTIL ${Date.parse(WINDOW.end)} TIMESERIES 60 seconds`,
    });
    expect(body.query).toContain("nrql(query: $nrql");
    expect(result.sets).toEqual([
      { name: "p95 latency", tags: {}, timestamps: [1795431600000, 1795431660000], values: [0.42, 0.4] },
    ]);
  });

  it("splits FACET results into one set per facet", async () => {
    const s = await serve([], {
      body: nerdGraphResults([
        { beginTimeSeconds: 1, endTimeSeconds: 61, facet: "host-a", host: "host-a", "average.duration": 1 },
        { beginTimeSeconds: 1, endTimeSeconds: 61, facet: "host-b", host: "host-b", "average.duration": 2 },
        { beginTimeSeconds: 61, endTimeSeconds: 121, facet: "host-a", host: "host-a", "average.duration": 3 },
      ]),
    });
    const result = await source(s.url).fetch(
      req({ type: "newrelic", select: "SELECT average(duration) FROM Transaction FACET host" }),
    );
    expect(result.sets).toEqual([
      { name: "p95 latency", tags: { facet: "host-a" }, timestamps: [1000, 61000], values: [1, 3] },
      { name: "p95 latency", tags: { facet: "host-b" }, timestamps: [1000], values: [2] },
    ]);
  });

  it("reports GraphQL errors in a 200 as permanent, and NRQL timeouts as transient", async () => {
    const s1 = await serve([], { body: nerdGraphErrors("NRQL Syntax Error: Error at line 1 position 7") });
    const err = await failure(source(s1.url).fetch(req(query)));
    expect(err).toMatchObject({
      transient: false,
      attempts: 1,
      sourceMessage: "NRQL Syntax Error: Error at line 1 position 7",
    });
    await s1.close();
    const s2 = await serve([{ body: nerdGraphErrors("NRDB query timed out") }], {
      body: nerdGraphResults([]),
    });
    server = s2;
    const ok = await source(s2.url).fetch(req(query));
    expect(ok.sets).toEqual([]);
    expect(s2.requests).toHaveLength(2);
  });

  it("fails 401 at once", async () => {
    const s = await serve([], { status: 401, body: { errors: [{ message: "Invalid API key" }] } });
    const err = await failure(source(s.url).fetch(req(query)));
    expect(s.requests).toHaveLength(1);
    expect(err).toMatchObject({ status: 401, transient: false, sourceMessage: "Invalid API key" });
  });
});
