// Contract tests of the Cloud Monitoring (Stackdriver), SignalFx and Wavefront adapters against local servers answering in the documented shapes, and Kayenta's query builders case by case.
import { afterEach, describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { parseServiceAccountKey } from "../../src/metrics/google-service-account";
import { GraphiteMetricSource } from "../../src/metrics/graphite-source";
import { InfluxdbMetricSource } from "../../src/metrics/influxdb-source";
import type { MetricFetchRequest, MetricScope } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";
import { buildSignalFlowProgram, SignalFxMetricSource } from "../../src/metrics/signalfx-source";
import {
  buildStackdriverCall,
  describeStackdriverCall,
  StackdriverMetricSource,
} from "../../src/metrics/stackdriver-source";
import {
  buildWavefrontExpression,
  wavefrontGranularity,
  WavefrontMetricSource,
} from "../../src/metrics/wavefront-source";
import {
  cloudMonitoringList,
  cloudMonitoringSeries,
  googleError,
  googleTokenAnswer,
  scripted,
  serviceAccountKey,
  signalFlowStream,
  signalFxError,
  startFakeServer,
  wavefrontChart,
  wavefrontError,
  type FakeAnswer,
  type FakeServer,
} from "../helpers/fake-metric-servers";

const noWait = { sleep: async () => {}, random: () => 0 };
const WINDOW = { start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z", stepSeconds: 60 };
const T0 = Date.parse(WINDOW.start);

function req(
  query: MetricConfig["query"],
  scope: MetricScope = { scope: "checkout-canary", location: "us-east1" },
  extra: Partial<CanaryConfig> = {},
): MetricFetchRequest {
  const config: CanaryConfig = { name: "c", metrics: [{ name: "cpu", query }], ...extra };
  return { config, metric: config.metrics[0]!, scope, window: WINDOW };
}

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(answers: FakeAnswer[], rest: FakeAnswer) {
  const s = await startFakeServer(scripted(answers, rest));
  servers.push(s);
  return s;
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a MetricSourceError");
    },
    (e: unknown) => e as MetricSourceError,
  );

describe("Stackdriver filters (Kayenta's StackdriverMetricsService.buildQuery)", () => {
  const q = (extra: Partial<Extract<MetricConfig["query"], { type: "stackdriver" }>> = {}) => ({
    type: "stackdriver" as const,
    metricType: "compute.googleapis.com/instance/cpu/utilization",
    ...extra,
  });
  const filter = (
    query: Extract<MetricConfig["query"], { type: "stackdriver" }>,
    scope: MetricScope,
    config: Pick<CanaryConfig, "templates"> = {},
  ) => buildStackdriverCall(config, query, scope, "acct-project", 60, "cpu").filter;
  const M = 'metric.type="compute.googleapis.com/instance/cpu/utilization"';

  it("gce_instance: project, spinnaker-region and spinnaker-server-group labels", () => {
    expect(filter(q({ resourceType: "gce_instance" }), { scope: "myapp-v010", location: "us-east1" })).toBe(
      `${M} AND resource.type=gce_instance AND project=acct-project AND metadata.user_labels."spinnaker-region"=us-east1` +
        ` AND metadata.user_labels."spinnaker-server-group"=myapp-v010`,
    );
  });
  it("takes resourceType and project from extendedScopeParams when the query has none", () => {
    expect(
      filter(q(), {
        scope: "myapp-v010",
        location: "us-east1",
        extendedScopeParams: { resourceType: "gce_instance", project: "other-project" },
      }),
    ).toContain("resource.type=gce_instance AND project=other-project AND");
  });
  it("aws_ec2_instance, gae_app (with service), k8s_container (labels, user_labels), gke_container, global", () => {
    const scope = { scope: "myapp-v010", location: "us-west-2" };
    expect(filter(q({ resourceType: "aws_ec2_instance" }), scope)).toBe(
      `${M} AND resource.type=aws_ec2_instance AND resource.labels.region="aws:us-west-2" AND metadata.user_labels."aws:autoscaling:groupname"=myapp-v010`,
    );
    expect(
      filter(q({ resourceType: "gae_app" }), { ...scope, extendedScopeParams: { service: "default" } }),
    ).toBe(
      `${M} AND resource.type=gae_app AND project=acct-project AND resource.labels.version_id=myapp-v010 AND resource.labels.module_id=default`,
    );
    expect(
      filter(q({ resourceType: "k8s_container" }), {
        ...scope,
        extendedScopeParams: {
          cluster_name: "prod",
          namespace_name: "shop",
          "user_labels.app": "checkout",
          other: "x",
        },
      }),
    ).toBe(
      `${M} AND resource.type=k8s_container AND project=acct-project AND resource.labels.cluster_name=prod AND resource.labels.namespace_name=shop AND metadata.user_labels."app"="checkout"`,
    );
    expect(
      filter(q({ resourceType: "gke_container" }), { ...scope, extendedScopeParams: { zone: "us-west2-a" } }),
    ).toBe(
      `${M} AND resource.type=gke_container AND project=acct-project AND resource.labels.zone=us-west2-a`,
    );
    expect(filter(q({ resourceType: "global" }), scope)).toBe(`${M} AND resource.type=global`);
  });
  it("appends an expanded custom template instead of the default filter", () => {
    expect(
      filter(
        q({ resourceType: "k8s_container", customFilterTemplate: "by-app" }),
        { scope: "checkout-canary", location: "us-east1" },
        {
          templates: {
            "by-app": 'resource.labels.container_name="${scope}" AND resource.labels.location="${location}"',
          },
        },
      ),
    ).toBe(
      `${M} AND resource.type=k8s_container AND resource.labels.container_name="checkout-canary" AND resource.labels.location="us-east1"`,
    );
  });
  it("names what is missing: resource type, location, an unsupported resource type", () => {
    expect(() => filter(q(), { scope: "s" })).toThrow(/Resource type is required/);
    expect(() => filter(q({ resourceType: "gce_instance" }), { scope: "s" })).toThrow(
      "metric 'cpu': Location (i.e. region) is required when resourceType is 'gce_instance'",
    );
    expect(() => filter(q({ resourceType: "cloud_run_revision" }), { scope: "s" })).toThrow(
      /Resource type 'cloud_run_revision' not yet explicitly supported/,
    );
  });
  it("shows the aggregation with the filter (defaults ALIGN_MEAN, REDUCE_MEAN; scope params; the query's own)", () => {
    const scope = { scope: "s", location: "l", extendedScopeParams: { perSeriesAligner: "ALIGN_MAX" } };
    expect(
      describeStackdriverCall(
        buildStackdriverCall({}, q({ resourceType: "global" }), scope, "p", 300, "cpu"),
      ),
    ).toBe(
      `${M} AND resource.type=global | alignmentPeriod=300s perSeriesAligner=ALIGN_MAX crossSeriesReducer=REDUCE_MEAN`,
    );
    const call = buildStackdriverCall(
      {},
      q({
        resourceType: "global",
        perSeriesAligner: "ALIGN_RATE",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.label.zone"],
      }),
      scope,
      "p",
      60,
      "cpu",
    );
    expect(describeStackdriverCall(call)).toBe(
      `${M} AND resource.type=global | alignmentPeriod=60s perSeriesAligner=ALIGN_RATE crossSeriesReducer=REDUCE_SUM groupByFields=resource.label.zone`,
    );
  });
});

describe("StackdriverMetricSource against a Cloud Monitoring stand-in", () => {
  const query = {
    type: "stackdriver" as const,
    metricType: "compute.googleapis.com/instance/cpu/utilization",
    resourceType: "gce_instance",
    groupByFields: ["resource.label.zone"],
  };
  /** One server for both the token endpoint (/token) and the API; `api` answers the API calls in turn. */
  async function google(api: FakeAnswer[], rest: FakeAnswer, tokenAnswers: FakeAnswer[] = []) {
    const keyOf: { key?: ReturnType<typeof serviceAccountKey> } = {};
    let tokenCalls = 0;
    let apiCalls = 0;
    const s = await startFakeServer((r) => {
      if (r.path === "/token")
        return tokenAnswers[tokenCalls++] ?? googleTokenAnswer(r, keyOf.key!, `${s.url}/token`);
      return api[apiCalls++] ?? rest;
    });
    servers.push(s);
    const key = (keyOf.key = serviceAccountKey(`${s.url}/token`));
    const source = new StackdriverMetricSource(
      {
        type: "stackdriver",
        name: "gcp",
        project: "my-project",
        endpoint: s.url,
        auth: { type: "service-account", keySetting: "GCP_KEY" },
      },
      parseServiceAccountKey(key.json),
      noWait,
    );
    return { s, source, key };
  }
  const apiRequests = (s: FakeServer) => s.requests.filter((r) => r.path !== "/token");

  it("exchanges a signed JWT for a token once, lists time series with the aggregation, reads the points in time order", async () => {
    const { s, source } = await google([], {
      body: cloudMonitoringList([
        cloudMonitoringSeries({ resource: { zone: "us-east1-b", instance_id: "1" } }, [
          ["2026-11-23T11:01:00Z", 0.31],
          ["2026-11-23T11:02:00Z", 0.35],
        ]),
        cloudMonitoringSeries(
          { resource: { zone: "us-east1-c", instance_id: "2" } },
          [["2026-11-23T11:01:00Z", 7]],
          "INT64",
        ),
      ]),
    });
    const result = await source.fetch(req(query));
    await source.fetch(req(query, { scope: "checkout-baseline", location: "us-east1" }));
    const tokenCalls = s.requests.filter((r) => r.path === "/token");
    expect(tokenCalls).toHaveLength(1);
    const sent = apiRequests(s)[0]!;
    expect(sent.path).toBe("/v3/projects/my-project/timeSeries");
    expect(sent.headers.authorization).toBe("Bearer ya29.fake-access-token");
    expect(sent.query.get("filter")).toBe(
      'metric.type="compute.googleapis.com/instance/cpu/utilization" AND resource.type=gce_instance AND project=my-project' +
        ' AND metadata.user_labels."spinnaker-region"=us-east1 AND metadata.user_labels."spinnaker-server-group"=checkout-canary',
    );
    expect(Object.fromEntries([...sent.query].filter(([k]) => k !== "filter"))).toEqual({
      "interval.startTime": WINDOW.start,
      "interval.endTime": WINDOW.end,
      "aggregation.alignmentPeriod": "60s",
      "aggregation.perSeriesAligner": "ALIGN_MEAN",
      "aggregation.crossSeriesReducer": "REDUCE_MEAN",
      "aggregation.groupByFields": "resource.label.zone",
    });
    expect(result.query).toMatch(
      / \| alignmentPeriod=60s perSeriesAligner=ALIGN_MEAN crossSeriesReducer=REDUCE_MEAN groupByFields=resource.label.zone$/,
    );
    expect(result.sets).toEqual([
      {
        name: "cpu",
        tags: { zone: "us-east1-b", instance_id: "1" },
        timestamps: [T0 + 60_000, T0 + 120_000],
        values: [0.31, 0.35],
      },
      { name: "cpu", tags: { zone: "us-east1-c", instance_id: "2" }, timestamps: [T0 + 60_000], values: [7] },
    ]);
  });

  it("follows nextPageToken and joins a series split over pages", async () => {
    const labels = { resource: { zone: "us-east1-b" } };
    const { s, source } = await google(
      [
        {
          body: cloudMonitoringList([cloudMonitoringSeries(labels, [["2026-11-23T11:03:00Z", 3]])], {
            nextPageToken: "page-2",
          }),
        },
      ],
      {
        body: cloudMonitoringList([
          cloudMonitoringSeries(labels, [
            ["2026-11-23T11:01:00Z", 1],
            ["2026-11-23T11:02:00Z", 2],
          ]),
        ]),
      },
    );
    const result = await source.fetch(req(query));
    expect(apiRequests(s).map((r) => r.query.get("pageToken"))).toEqual([null, "page-2"]);
    expect(result.sets).toEqual([
      {
        name: "cpu",
        tags: { zone: "us-east1-b" },
        timestamps: [1, 2, 3].map((m) => T0 + m * 60_000),
        values: [1, 2, 3],
      },
    ]);
  });

  it("treats an answer without timeSeries as no data", async () => {
    const { source } = await google([], { body: cloudMonitoringList([]) });
    expect((await source.fetch(req(query))).sets).toEqual([]);
  });

  it("treats executionErrors (a partial answer) as an error", async () => {
    const { source } = await google([], {
      body: cloudMonitoringList([cloudMonitoringSeries({}, [["2026-11-23T11:01:00Z", 1]])], {
        executionErrors: [{ code: 3, message: "Field aggregation.groupByFields had an invalid value" }],
      }),
    });
    const err = await failure(source.fetch(req(query)));
    expect(err).toMatchObject({
      transient: false,
      attempts: 1,
      sourceMessage: "partial result: Field aggregation.groupByFields had an invalid value",
    });
  });

  it("retries 429 RESOURCE_EXHAUSTED (honouring Retry-After) and 503, then succeeds", async () => {
    const waits: number[] = [];
    const { s, key } = await google(
      [
        {
          status: 429,
          headers: { "Retry-After": "3" },
          body: googleError(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Time series queries'",
          ),
        },
        { status: 503, body: googleError(503, "UNAVAILABLE", "The service is currently unavailable.") },
      ],
      { body: cloudMonitoringList([cloudMonitoringSeries({}, [["2026-11-23T11:01:00Z", 1]])]) },
    );
    const source = new StackdriverMetricSource(
      {
        type: "stackdriver",
        name: "gcp",
        project: "my-project",
        endpoint: s.url,
        auth: { type: "service-account", keySetting: "GCP_KEY" },
      },
      parseServiceAccountKey(key.json),
      { ...noWait, onRetry: (i) => waits.push(i.delayMs) },
    );
    const result = await source.fetch(req(query));
    expect(result.sets[0]!.values).toEqual([1]);
    expect(apiRequests(s)).toHaveLength(3);
    expect(waits[0]).toBe(3000);
  });

  it("fails 403 PERMISSION_DENIED at once with Google's message", async () => {
    const { s, source } = await google([], {
      status: 403,
      body: googleError(
        403,
        "PERMISSION_DENIED",
        "Permission monitoring.timeSeries.list denied (or the resource may not exist).",
      ),
    });
    const err = await failure(source.fetch(req(query)));
    expect(apiRequests(s)).toHaveLength(1);
    expect(err).toMatchObject({ status: 403, transient: false });
    expect(err.sourceMessage).toBe(
      "Permission monitoring.timeSeries.list denied (or the resource may not exist).",
    );
  });

  it("a refused token exchange is permanent, never calls the API and shows no key material", async () => {
    const { s, source, key } = await google([], { body: cloudMonitoringList([]) }, [
      { status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } },
    ]);
    const err = await failure(source.fetch(req(query)));
    expect(apiRequests(s)).toHaveLength(0);
    expect(err.transient).toBe(false);
    expect(err.sourceMessage).toBe(
      `could not get a Google access token from ${s.url}/token for ${key.clientEmail}: HTTP 400: invalid_grant: Invalid JWT Signature.`,
    );
    expect(err.message).not.toContain("PRIVATE KEY");
  });

  it("retries a token endpoint 503 like any transient failure", async () => {
    const { s, source } = await google([], { body: cloudMonitoringList([]) }, [{ status: 503, body: {} }]);
    await source.fetch(req(query));
    expect(s.requests.filter((r) => r.path === "/token")).toHaveLength(2);
  });
});

describe("SignalFlow programs (Kayenta's SimpleSignalFlowProgramBuilder cases)", () => {
  const q = (extra: Partial<Extract<MetricConfig["query"], { type: "signalfx" }>> = {}) => ({
    type: "signalfx" as const,
    metricName: "request.count",
    ...extra,
  });
  const pairs = [
    { key: "app", value: "cms" },
    { key: "response_code", value: "400" },
    { key: "uri", value: "/v2/auth/iam-principal" },
  ];
  const program = (
    query: Extract<MetricConfig["query"], { type: "signalfx" }>,
    scope: MetricScope,
    defaults = {},
  ) => buildSignalFlowProgram({}, query, scope, defaults, "m");

  it("query pairs, the scope key, other extendedScopeParams, mean by their keys", () => {
    expect(
      program(q({ queryPairs: pairs }), {
        scope: "1.0.0",
        extendedScopeParams: { env: "production", _scope_key: "version" },
      }),
    ).toBe(
      "data('request.count', filter=filter('app', 'cms') and filter('response_code', '400') and filter('uri', '/v2/auth/iam-principal') " +
        "and filter('version', '1.0.0') and filter('env', 'production')).mean(by=['env', 'version']).publish()",
    );
  });
  it("a location key from the scope or the account default", () => {
    const expected =
      "data('request.count', filter=filter('app', 'cms') and filter('response_code', '400') and filter('uri', '/v2/auth/iam-principal') " +
      "and filter('version', '1.0.0') and filter('region', 'us-west-2') and filter('env', 'production')).mean(by=['env', 'region', 'version']).publish()";
    expect(
      program(q({ queryPairs: pairs }), {
        scope: "1.0.0",
        location: "us-west-2",
        extendedScopeParams: { env: "production", _scope_key: "version", _location_key: "region" },
      }),
    ).toBe(expected);
    expect(
      program(
        q({ queryPairs: pairs }),
        {
          scope: "1.0.0",
          location: "us-west-2",
          extendedScopeParams: { _scope_key: "version", env: "production" },
        },
        { defaultLocationKey: "region" },
      ),
    ).toBe(expected);
  });
  it("the account's default scope key; negated and multi-valued pairs; the aggregation method", () => {
    expect(program(q(), { scope: "my_microservice-control-v1" }, { defaultScopeKey: "server_group" })).toBe(
      "data('request.count', filter=filter('server_group', 'my_microservice-control-v1')).mean(by=['server_group']).publish()",
    );
    expect(
      program(q({ queryPairs: [{ key: "!app", value: "cms,api" }], aggregationMethod: "sum" }), {
        scope: "1.0.0",
        extendedScopeParams: { _scope_key: "version" },
      }),
    ).toBe(
      "data('request.count', filter=(not filter('app', 'cms','api')) and filter('version', '1.0.0')).sum(by=['version']).publish()",
    );
  });
  it("a custom template is the whole program; no scope key is an error", () => {
    expect(
      program(
        q({
          customInlineTemplate:
            "data('x', filter=filter('canary-scope', '${scope}')).mean(by=['canary-scope']).publish()",
        }),
        { scope: "control" },
      ),
    ).toBe("data('x', filter=filter('canary-scope', 'control')).mean(by=['canary-scope']).publish()");
    expect(() => program(q(), { scope: "v1" })).toThrow(
      /must define a default scope key \(defaultScopeKey\) or it must be supplied in the extendedScopeParams in the '_scope_key' key/,
    );
  });
});

describe("SignalFxMetricSource against a SignalFlow stand-in", () => {
  const account = (url: string) => ({
    type: "signalfx" as const,
    name: "sfx",
    endpoint: url,
    auth: { type: "api-key" as const, apiKeySetting: "SFX_TOKEN" },
    defaultScopeKey: "canary-scope",
  });
  const query = {
    type: "signalfx" as const,
    metricName: "requests.latency",
    queryPairs: [{ key: "uri", value: "/v1/checkout" }],
  };
  const source = (url: string) => new SignalFxMetricSource(account(url), "sfx-secret-token", noWait);
  const stream = (body: string): FakeAnswer => ({ headers: { "Content-Type": "text/event-stream" }, body });

  it("posts the program with the window and resolution, reads the event stream (empty data = NaN)", async () => {
    const s = await serve(
      [],
      stream(signalFlowStream([{ t: T0, value: 52 }, { t: T0 + 60_000 }, { t: T0 + 120_000, value: 53.5 }])),
    );
    const result = await source(s.url).fetch(req(query));
    const sent = s.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v2/signalflow/execute");
    expect(sent.headers["x-sf-token"]).toBe("sfx-secret-token");
    expect(sent.headers["content-type"]).toMatch(/^text\/plain/);
    expect(Object.fromEntries(sent.query)).toEqual({
      start: String(T0),
      stop: String(Date.parse(WINDOW.end)),
      resolution: "60000",
      maxDelay: "0",
      immediate: "true",
    });
    expect(sent.body).toBe(
      "data('requests.latency', filter=filter('uri', '/v1/checkout') and filter('canary-scope', 'checkout-canary')).mean(by=['canary-scope']).publish()",
    );
    expect(result.sets).toEqual([
      {
        name: "cpu",
        tags: { uri: "/v1/checkout" },
        timestamps: [T0, T0 + 60_000, T0 + 120_000],
        values: [52, NaN, 53.5],
      },
    ]);
  });

  it("a stream with no data messages is no data", async () => {
    const s = await serve([], stream(signalFlowStream([])));
    expect((await source(s.url).fetch(req(query))).sets).toEqual([]);
  });

  it("an error message in the stream is a permanent error with SignalFlow's words", async () => {
    const s = await serve(
      [],
      stream(
        signalFlowStream([], {
          error: { errors: [{ code: "ANALYTICS_PROGRAM_ERROR", context: { line: 1 } }] },
        }),
      ),
    );
    const err = await failure(source(s.url).fetch(req(query)));
    expect(err).toMatchObject({ transient: false, attempts: 1 });
    expect(err.sourceMessage).toBe('SignalFlow error: ANALYTICS_PROGRAM_ERROR {"line":1}');
  });

  it("retries a stream cut before END_OF_CHANNEL, a CHANNEL_ABORT and a 429, then reads the data", async () => {
    const s = await serve(
      [
        stream(signalFlowStream([{ t: T0, value: 1 }], { end: "none" })),
        stream(signalFlowStream([{ t: T0, value: 1 }], { end: "CHANNEL_ABORT" })),
        {
          status: 429,
          headers: { "Retry-After": "1" },
          body: signalFxError(429, "TOO_MANY_REQUESTS", "Too many requests"),
        },
      ],
      stream(signalFlowStream([{ t: T0, value: 2 }])),
    );
    const result = await source(s.url).fetch(req(query));
    expect(s.requests).toHaveLength(4);
    expect(result.sets[0]!.values).toEqual([2]);
  });

  it("fails a 400 at once with SignalFx's message and keeps the token out of it", async () => {
    const s = await serve([], {
      status: 400,
      body: signalFxError(400, "BAD_REQUEST", "Invalid SignalFlow program"),
    });
    const err = await failure(source(s.url).fetch(req(query)));
    expect(err).toMatchObject({ status: 400, transient: false, sourceMessage: "Invalid SignalFlow program" });
    expect(err.message).not.toContain("sfx-secret-token");
  });

  it("refuses a program that publishes several time series", async () => {
    const s = await serve(
      [],
      stream(
        signalFlowStream([
          { t: T0, value: 1, tsId: "A" },
          { t: T0 + 60_000, value: 2, tsId: "B" },
        ]),
      ),
    );
    const err = await failure(source(s.url).fetch(req(query)));
    expect(err.sourceMessage).toMatch(/^the program published 2 time series; aggregate them to one/);
  });
});

describe("Wavefront queries (Kayenta's WavefrontMetricsService cases)", () => {
  const q = (aggregate: string) => ({
    type: "wavefront" as const,
    metricName: "example.metric.name",
    aggregate,
  });
  it("ts() with the scope, wrapped in the aggregate", () => {
    expect(buildWavefrontExpression(q("avg"), { scope: "" })).toBe("avg(ts(example.metric.name))");
    expect(buildWavefrontExpression(q(""), { scope: "env=test" })).toBe("ts(example.metric.name, env=test)");
    expect(buildWavefrontExpression(q("avg"), { scope: "env=test" })).toBe(
      "avg(ts(example.metric.name, env=test))",
    );
  });
  it("granularity from the step", () => {
    expect([1, 60, 3600, 86_400, 90].map(wavefrontGranularity)).toEqual(["s", "m", "h", "d", "s"]);
  });
});

describe("WavefrontMetricSource against a chart API stand-in", () => {
  const source = (url: string) =>
    new WavefrontMetricSource(
      { type: "wavefront", name: "wf", endpoint: url, auth: { type: "api-key", apiKeySetting: "WF_TOKEN" } },
      "wf-secret-token",
      noWait,
    );
  const query = {
    type: "wavefront" as const,
    metricName: "heapster.pod.cpu.usage_rate",
    aggregate: "avg",
    summarization: "MEAN" as const,
  };
  const s0 = T0 / 1000;

  it("queries the chart API with the window in ms, granularity and summarization; fills gaps with NaN on the step grid", async () => {
    const s = await serve([], {
      body: wavefrontChart("avg(ts(heapster.pod.cpu.usage_rate, env=canary))", [
        {
          data: [
            [s0, 1],
            [s0 + 120, 3],
            [s0 + 180, 4],
          ],
        },
      ]),
    });
    const result = await source(s.url).fetch(req(query, { scope: "env=canary" }));
    const sent = s.requests[0]!;
    expect(sent.path).toBe("/api/v2/chart/api");
    expect(sent.headers.authorization).toBe("Bearer wf-secret-token");
    expect(Object.fromEntries(sent.query)).toEqual({
      n: "coalmine",
      q: "avg(ts(heapster.pod.cpu.usage_rate, env=canary))",
      s: String(T0),
      e: String(Date.parse(WINDOW.end)),
      g: "m",
      summarization: "MEAN",
      listMode: "true",
      strict: "true",
      sorted: "true",
    });
    expect(result.query).toBe("avg(ts(heapster.pod.cpu.usage_rate, env=canary)) | g=m summarization=MEAN");
    expect(result.sets).toEqual([
      {
        name: "cpu",
        tags: {},
        timestamps: [0, 60, 120, 180].map((d) => (s0 + d) * 1000),
        values: [1, NaN, 3, 4],
      },
    ]);
  });

  it("no timeseries in the answer is no data", async () => {
    const s = await serve([], {
      body: wavefrontChart("q", undefined, { warnings: "No metrics matching - heapster.pod.cpu.usage_rate" }),
    });
    expect((await source(s.url).fetch(req(query, { scope: "env=canary" }))).sets).toEqual([]);
  });

  it("an errorMessage beside the series (a partial answer) is an error", async () => {
    const s = await serve([], {
      body: wavefrontChart("q", [{ data: [[s0, 1]] }], {
        errorType: "QUERY_TIMEOUT",
        errorMessage: "Query timed out, results are partial",
      }),
    });
    const err = await failure(source(s.url).fetch(req(query, { scope: "env=canary" })));
    expect(err).toMatchObject({ transient: false, sourceMessage: "Query timed out, results are partial" });
  });

  it("retries 429 with Retry-After, fails 401 at once with Wavefront's message", async () => {
    const s = await serve(
      [{ status: 429, headers: { "Retry-After": "1" }, body: wavefrontError(429, "Too many requests") }],
      { body: wavefrontChart("q", [{ data: [[s0, 5]] }]) },
    );
    expect((await source(s.url).fetch(req(query, { scope: "env=canary" }))).sets[0]!.values).toEqual([5]);
    expect(s.requests).toHaveLength(2);
    const s2 = await serve([], { status: 401, body: wavefrontError(401, "Unauthorized: token is invalid") });
    const err = await failure(source(s2.url).fetch(req(query, { scope: "env=canary" })));
    expect(s2.requests).toHaveLength(1);
    expect(err).toMatchObject({
      status: 401,
      transient: false,
      sourceMessage: "Unauthorized: token is invalid",
    });
    expect(err.message).not.toContain("wf-secret-token");
  });
});

describe("Graphite and InfluxDB failures a local server can show (their happy paths run against the real services)", () => {
  const window = { ...WINDOW };
  it("graphite: retries 429 with Retry-After and a truncated body, then reads the series", async () => {
    const s = await serve(
      [
        { status: 429, headers: { "Retry-After": "2" }, body: "Too Many Requests" },
        { body: '[{"target": "checkout.checkout-canary.errors.rate", "datapoints": [[1.0, 17' },
      ],
      {
        body: [
          {
            target: "checkout.checkout-canary.errors.rate",
            datapoints: [
              [1.5, T0 / 1000 + 60],
              [null, T0 / 1000 + 120],
            ],
          },
        ],
      },
    );
    const source = new GraphiteMetricSource(
      { type: "graphite", name: "g", endpoint: s.url },
      { type: "none" },
      noWait,
    );
    const result = await source.fetch({
      ...req({ type: "graphite", metricName: "checkout.$scope.errors.rate" }),
      window,
    });
    expect(s.requests).toHaveLength(3);
    expect(Object.fromEntries(s.requests[0]!.query)).toEqual({
      target: "checkout.checkout-canary.errors.rate",
      from: String(T0 / 1000),
      until: String(Date.parse(WINDOW.end) / 1000),
      format: "json",
    });
    expect(result.sets).toEqual([
      { name: "cpu", tags: {}, timestamps: [T0 + 60_000, T0 + 120_000], values: [1.5, NaN] },
    ]);
  });

  it("influxdb: retries 429 (InfluxDB Cloud's rate limit) and treats a partial (truncated) answer as an error", async () => {
    const account = {
      type: "influxdb" as const,
      name: "i",
      database: "metrics",
      auth: { type: "token" as const, tokenSetting: "T" },
    };
    const s = await serve(
      [
        {
          status: 429,
          headers: { "Retry-After": "1" },
          body: { error: "org 1234 has exceeded limited_query plan limit" },
        },
      ],
      {
        body: {
          results: [
            {
              statement_id: 0,
              series: [{ name: "http", columns: ["time", "p95"], values: [[T0, 0.2]], partial: true }],
            },
          ],
        },
      },
    );
    const source = new InfluxdbMetricSource(
      { ...account, endpoint: s.url },
      { type: "token", token: "influx-token-1" },
      noWait,
    );
    const err = await failure(
      source.fetch(req({ type: "influxdb", metricName: "http" }, { scope: "deployment:checkout-canary" })),
    );
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]!.headers.authorization).toBe("Token influx-token-1");
    expect(Object.fromEntries(s.requests[0]!.query)).toMatchObject({ db: "metrics", epoch: "ms" });
    expect(err).toMatchObject({ transient: false, attempts: 2 });
    expect(err.sourceMessage).toMatch(/^partial result: InfluxDB cut the answer short \(max-row-limit\)/);
  });
});
