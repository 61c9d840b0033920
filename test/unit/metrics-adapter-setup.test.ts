// What every HTTP metric source sets up alike: the credentials it is given (the header they go in, their secrets never
// in an error, so never in a log line or a stored reason), its API URL, and its errors for a query of another type or
// a template that cannot be expanded.
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import type { MetricsAccount } from "../../src/config/metrics-account.schema";
import type { MetricFetchRequest, MetricSource } from "../../src/analysis/ports/metric-source";
import { DatadogMetricSource } from "../../src/metrics/datadog-source";
import { GraphiteMetricSource } from "../../src/metrics/graphite-source";
import { InfluxdbMetricSource, type InfluxdbCredentials } from "../../src/metrics/influxdb-source";
import { LogAnalyticsMetricSource } from "../../src/metrics/log-analytics-source";
import type { HttpMetricSource, HttpSourceDeps } from "../../src/metrics/http-source-base";
import { MetricSourceError, QueryBuildError } from "../../src/metrics/metric-source-error";
import { TemplateError } from "../../src/metrics/template";
import { NewRelicMetricSource } from "../../src/metrics/new-relic-source";
import { PrometheusMetricSource, type PrometheusCredentials } from "../../src/metrics/prometheus-source";
import { SignalFxMetricSource } from "../../src/metrics/signalfx-source";
import { WavefrontMetricSource } from "../../src/metrics/wavefront-source";
import { AzureMonitorPrometheusMetricSource } from "../../src/metrics/azure-monitor-prometheus-source";
import { parseServiceAccountKey } from "../../src/metrics/google-service-account";
import { StackdriverMetricSource } from "../../src/metrics/stackdriver-source";
import {
  fakeCredential,
  serviceAccountKey,
  startFakeServer,
  type FakeServer,
} from "../helpers/fake-metric-servers";

const noWait = { sleep: async () => {}, random: () => 0 };
const WINDOW = { start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z", stepSeconds: 60 };

function req(query: MetricConfig["query"]): MetricFetchRequest {
  const config: CanaryConfig = { name: "c", metrics: [{ name: "errors", query }] };
  return {
    config,
    metric: config.metrics[0]!,
    scope: { scope: "pod:canary", extendedScopeParams: { _scope_key: "app" } },
    window: WINDOW,
  };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that refuses every request with a message echoing `echo` (as a badly behaved proxy might). */
async function refusing(echo: string): Promise<FakeServer> {
  server = await startFakeServer(() => ({ status: 401, body: { message: `denied ${echo}` } }));
  return server;
}

async function failure(p: Promise<unknown>): Promise<MetricSourceError> {
  return p.then(
    () => {
      throw new Error("expected a MetricSourceError");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(MetricSourceError);
      return e as MetricSourceError;
    },
  );
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

interface Case {
  name: string;
  /** The source, its account's endpoint at `url`. */
  source: (url: string) => MetricSource;
  query: MetricConfig["query"];
  /** Request headers (lower-case) and the values they must carry; undefined: the header is absent. */
  headers: Record<string, string | undefined>;
  /** Every secret the source was given: none may appear in the error. */
  secrets: string[];
  /** What the server echoes, and the error's sourceMessage after it (secrets as ***). */
  echo: string;
  scrubbed: string;
}

const promQuery = {
  type: "prometheus" as const,
  metricName: "http_errors_total",
  customInlineTemplate: 'app="${scope}"',
};
const graphiteQuery = { type: "graphite" as const, metricName: "app.$scope.errors" };
const influxQuery = { type: "influxdb" as const, metricName: "http" };
const apiKey = { type: "api-key" as const, apiKeySetting: "K" };

/** Each adapter given credentials, its account's endpoint at `url`; without credentials, its default (none). */
const make = {
  prometheus: (url: string, c?: PrometheusCredentials) => {
    const account = { type: "prometheus" as const, name: "p", endpoint: url };
    return c ? new PrometheusMetricSource(account, c, noWait) : new PrometheusMetricSource(account);
  },
  graphite: (url: string, c?: PrometheusCredentials) => {
    const account = { type: "graphite" as const, name: "g", endpoint: url };
    return c ? new GraphiteMetricSource(account, c, noWait) : new GraphiteMetricSource(account);
  },
  influxdb: (url: string, c?: InfluxdbCredentials) => {
    const account = { type: "influxdb" as const, name: "i", endpoint: url, database: "db" };
    return c ? new InfluxdbMetricSource(account, c, noWait) : new InfluxdbMetricSource(account);
  },
  datadog: (url: string, keys = { apiKey: "dd-api-k3y", appKey: "dd-app-k3y" }) =>
    new DatadogMetricSource(
      { type: "datadog", name: "dd", endpoint: url, auth: { ...apiKey, appKeySetting: "B" } },
      keys,
      noWait,
    ),
  newrelic: (url: string, key = "NRAK-k3y") =>
    new NewRelicMetricSource(
      { type: "newrelic", name: "nr", endpoint: url, accountId: 1, auth: apiKey },
      key,
      noWait,
    ),
  signalfx: (url: string, key = "sfx-t0ken") =>
    new SignalFxMetricSource({ type: "signalfx", name: "sfx", endpoint: url, auth: apiKey }, key, noWait),
  wavefront: (url: string, key = "wf-t0ken") =>
    new WavefrontMetricSource({ type: "wavefront", name: "wf", endpoint: url, auth: apiKey }, key, noWait),
};

/** Basic, bearer and no credentials for a source that takes them (Prometheus, Graphite, InfluxDB). */
function basicOrBearerCases(
  name: string,
  source: (url: string, credentials?: PrometheusCredentials) => MetricSource,
  query: MetricConfig["query"],
): Case[] {
  return [
    {
      name: `${name}, no credentials (the default)`,
      source: (url) => source(url),
      query,
      headers: { authorization: undefined },
      secrets: [],
      echo: "anonymous",
      scrubbed: "denied anonymous",
    },
    {
      name: `${name}, basic: the password is a secret, the user name is not`,
      source: (url) => source(url, { type: "basic", username: "metrics-reader", password: "pa55-w0rd" }),
      query,
      headers: { authorization: basic("metrics-reader", "pa55-w0rd") },
      secrets: ["pa55-w0rd", basic("metrics-reader", "pa55-w0rd").slice("Basic ".length)],
      echo: "metrics-reader:pa55-w0rd",
      scrubbed: "denied metrics-reader:***",
    },
    {
      name: `${name}, bearer`,
      source: (url) => source(url, { type: "bearer", token: "bearer-t0ken" }),
      query,
      headers: { authorization: "Bearer bearer-t0ken" },
      secrets: ["bearer-t0ken"],
      echo: "Bearer bearer-t0ken",
      scrubbed: "denied Bearer ***",
    },
  ];
}

/** A source given one key or token, sent in `header` after `prefix`. */
function keyCase(
  name: string,
  source: (url: string, key: string) => MetricSource,
  query: MetricConfig["query"],
  header: string,
  prefix = "",
): Case {
  const key = `${name}-k3y`;
  return {
    name: `${name}: its key`,
    source: (url) => source(url, key),
    query,
    headers:
      header === "authorization"
        ? { authorization: prefix + key }
        : { [header]: key, authorization: undefined },
    secrets: [key],
    echo: `${prefix}${key}`,
    scrubbed: `denied ${prefix}***`,
  };
}

const CASES: Case[] = [
  ...basicOrBearerCases("prometheus", make.prometheus, promQuery),
  ...basicOrBearerCases("graphite", make.graphite, graphiteQuery),
  ...basicOrBearerCases("influxdb", make.influxdb, influxQuery),
  {
    name: "influxdb, token (InfluxDB 2.x)",
    source: (url) => make.influxdb(url, { type: "token", token: "influx-t0ken" }),
    query: influxQuery,
    headers: { authorization: "Token influx-t0ken" },
    secrets: ["influx-t0ken"],
    echo: "Token influx-t0ken",
    scrubbed: "denied Token ***",
  },
  {
    name: "datadog: both keys",
    source: (url) => make.datadog(url),
    query: { type: "datadog", metricName: "avg:errors" },
    headers: { "dd-api-key": "dd-api-k3y", "dd-application-key": "dd-app-k3y", authorization: undefined },
    secrets: ["dd-api-k3y", "dd-app-k3y"],
    echo: "api dd-api-k3y app dd-app-k3y",
    scrubbed: "denied api *** app ***",
  },
  keyCase(
    "newrelic",
    make.newrelic,
    { type: "newrelic", select: "SELECT count(*) FROM Transaction" },
    "api-key",
  ),
  keyCase("signalfx", make.signalfx, { type: "signalfx", metricName: "requests.count" }, "x-sf-token"),
  keyCase(
    "wavefront",
    make.wavefront,
    { type: "wavefront", metricName: "errors" },
    "authorization",
    "Bearer ",
  ),
];

const API_PATHS: Partial<Record<MetricsAccount["type"], string>> = {
  prometheus: "/api/v1/query_range",
  graphite: "/render",
  influxdb: "/query",
  datadog: "/api/v1/query",
  newrelic: "/graphql",
  signalfx: "/v2/signalflow/execute",
  wavefront: "/api/v2/chart/api",
};

describe("credentials of the metric sources", () => {
  it.each(CASES)("$name: sent in their header, never in the error", async (c) => {
    const s = await refusing(c.echo);
    // The endpoint written with trailing slashes: the API path is still joined with a single one.
    const source = c.source(`${s.url}//`);
    const err = await failure(source.fetch(req(c.query)));
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.path).toBe(API_PATHS[(source as HttpMetricSource).sourceType]);
    const sent = s.requests[0]!.headers;
    for (const [header, value] of Object.entries(c.headers)) expect(sent[header]).toBe(value);
    expect(err).toMatchObject({ status: 401, transient: false, attempts: 1 });
    expect(err.sourceMessage).toBe(c.scrubbed);
    for (const secret of c.secrets) {
      expect(err.message).not.toContain(secret);
      expect(JSON.stringify(err)).not.toContain(secret);
    }
  });
});

describe("Entra tokens of the Azure sources", () => {
  const token = "eyJ0eXAi.entra-t0ken.sig";
  const azure: [string, (endpoint: string) => MetricSource, MetricConfig["query"]][] = [
    [
      "azure-monitor-prometheus",
      (endpoint) =>
        new AzureMonitorPrometheusMetricSource(
          { type: "azure-monitor-prometheus", name: "amw", endpoint },
          fakeCredential(token),
          noWait,
        ),
      { ...promQuery, type: "azure-monitor-prometheus" },
    ],
    [
      "log-analytics",
      (endpoint) =>
        new LogAnalyticsMetricSource(
          { type: "log-analytics", name: "la", workspaceId: "w", endpoint },
          fakeCredential(token),
          noWait,
        ),
      { type: "log-analytics", query: "AppRequests | summarize count()" },
    ],
  ];

  it.each(azure)("%s: sent as a bearer token, never in the error", async (_type, source, query) => {
    const s = await refusing(`Bearer ${token}`);
    const err = await failure(source(s.url).fetch(req(query)));
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(err.sourceMessage).toBe("denied Bearer ***");
    expect(err.message).not.toContain(token);
    expect(JSON.stringify(err)).not.toContain(token);
  });
});

const url = "http://127.0.0.1:9";
const entra = fakeCredential();

/** Every HTTP source, never sent a request (its endpoint is closed). */
const sources: [string, MetricSource][] = [
  ...(["prometheus", "graphite", "influxdb", "datadog", "newrelic", "signalfx", "wavefront"] as const).map(
    (type): [string, MetricSource] => [type, make[type](url)],
  ),
  [
    "azure-monitor-prometheus",
    new AzureMonitorPrometheusMetricSource(
      { type: "azure-monitor-prometheus", name: "amw", endpoint: url },
      entra,
    ),
  ],
  [
    "log-analytics",
    new LogAnalyticsMetricSource({ type: "log-analytics", name: "la", workspaceId: "w" }, entra),
  ],
  [
    "stackdriver",
    new StackdriverMetricSource(
      {
        type: "stackdriver",
        name: "gcp",
        project: "my-project",
        auth: { type: "service-account", keySetting: "K" },
      },
      parseServiceAccountKey(serviceAccountKey(`${url}/token`).json),
    ),
  ],
];

describe("a query of another type", () => {
  it.each(sources)(
    "%s: refused before anything is sent, naming the metric, the type and the account",
    (type, source) => {
      const account = (source as unknown as { account: MetricsAccount }).account;
      const query: MetricConfig["query"] =
        type === "graphite" ? influxQuery : { type: "graphite", metricName: "a.b" };
      expect(() => source.buildQuery(req(query))).toThrow(
        `metric 'errors': query type '${query.type}' cannot be sent to ${type} account '${account.name}'`,
      );
    },
  );

  it("prometheus and azure-monitor-prometheus take each other's queries", () => {
    const prom = make.prometheus(url);
    const amw = sources.find(([type]) => type === "azure-monitor-prometheus")![1];
    const amwQuery = { ...promQuery, type: "azure-monitor-prometheus" as const };
    expect(prom.buildQuery(req(amwQuery))).toBe(amw.buildQuery(req(amwQuery)));
    expect(amw.buildQuery(req(promQuery))).toBe(prom.buildQuery(req(promQuery)));
  });
});

describe("the adapters' constructors", () => {
  type Account<T extends MetricsAccount["type"]> = Extract<MetricsAccount, { type: T }>;
  type Optional<T> = T | undefined;

  it("take the account, the credentials (left out: none, where none is one of their forms) and the deps", () => {
    expectTypeOf(PrometheusMetricSource).constructorParameters.toEqualTypeOf<
      [
        Account<"prometheus" | "azure-monitor-prometheus">,
        Optional<PrometheusCredentials>?,
        Optional<HttpSourceDeps>?,
      ]
    >();
    expectTypeOf(GraphiteMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"graphite">, Optional<PrometheusCredentials>?, Optional<HttpSourceDeps>?]
    >();
    expectTypeOf(InfluxdbMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"influxdb">, Optional<InfluxdbCredentials>?, Optional<HttpSourceDeps>?]
    >();
    expectTypeOf(DatadogMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"datadog">, { apiKey: string; appKey: string }, Optional<HttpSourceDeps>?]
    >();
    expectTypeOf(NewRelicMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"newrelic">, string, Optional<HttpSourceDeps>?]
    >();
    expectTypeOf(SignalFxMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"signalfx">, string, Optional<HttpSourceDeps>?]
    >();
    expectTypeOf(WavefrontMetricSource).constructorParameters.toEqualTypeOf<
      [Account<"wavefront">, string, Optional<HttpSourceDeps>?]
    >();
  });
});

describe("a template that cannot be expanded", () => {
  const missing = { customFilterTemplate: "missing" };
  const queries: [string, MetricConfig["query"]][] = [
    ["prometheus", { type: "prometheus", metricName: "up", ...missing }],
    ["datadog", { type: "datadog", metricName: "avg:errors", ...missing }],
    ["newrelic", { type: "newrelic", select: "SELECT count(*) FROM Transaction", ...missing }],
    ["signalfx", { type: "signalfx", metricName: "requests.count", ...missing }],
    ["stackdriver", { type: "stackdriver", metricType: "m", resourceType: "global", ...missing }],
  ];

  it.each(queries)(
    "%s: refused before anything is sent, naming the metric and the template",
    (type, query) => {
      const source = sources.find(([t]) => t === type)![1];
      const build = () => source.buildQuery(req(query));
      expect(build).toThrow(
        new QueryBuildError(
          "metric 'errors': Custom filter template 'missing' was referenced, but no templates were defined.",
        ),
      );
      expect(() => build()).toThrow(expect.objectContaining({ cause: expect.any(TemplateError) }));
    },
  );

  it("log-analytics: an unknown variable in the KQL, the same way", () => {
    const source = sources.find(([t]) => t === "log-analytics")![1];
    const build = () => source.buildQuery(req({ type: "log-analytics", query: "T | where x == '${nope}'" }));
    expect(build).toThrow(QueryBuildError);
    expect(build).toThrow(
      /^metric 'errors': Problem evaluating custom filter template: unknown variable '\$\{nope\}'/,
    );
    expect(build).toThrow(expect.objectContaining({ cause: expect.any(TemplateError) }));
  });
});
