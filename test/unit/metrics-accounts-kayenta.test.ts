// Accounts of the stackdriver, graphite, influxdb, signalfx and wavefront types: their fields, secrets only by setting name, descriptions without secrets, and the sources the factory builds.
import { describe, expect, it } from "vitest";
import { describeAccounts, MetricsAccountError, parseMetricsAccounts } from "../../src/metrics/accounts";
import { GraphiteMetricSource } from "../../src/metrics/graphite-source";
import { InfluxdbMetricSource } from "../../src/metrics/influxdb-source";
import { SignalFxMetricSource } from "../../src/metrics/signalfx-source";
import { createMetricSource, loadMetricSource } from "../../src/metrics/source-factory";
import { StackdriverMetricSource } from "../../src/metrics/stackdriver-source";
import { WavefrontMetricSource } from "../../src/metrics/wavefront-source";
import { serviceAccountKey } from "../helpers/fake-metric-servers";

const ACCOUNTS = [
  {
    name: "gcp",
    type: "stackdriver",
    project: "my-project",
    auth: { type: "service-account", keySetting: "GCP_KEY" },
  },
  { name: "graphite", type: "graphite", endpoint: "https://graphite.example" },
  {
    name: "influx",
    type: "influxdb",
    endpoint: "https://influx.example:8086",
    database: "telegraf",
    auth: { type: "token", tokenSetting: "INFLUX_TOKEN" },
  },
  {
    name: "sfx",
    type: "signalfx",
    auth: { type: "api-key", apiKeySetting: "SFX_TOKEN" },
    defaultScopeKey: "server_group",
  },
  {
    name: "wf",
    type: "wavefront",
    endpoint: "https://acme.wavefront.com",
    auth: { type: "api-key", apiKeySetting: "WF_TOKEN" },
  },
];

describe("accounts of Kayenta's other metric sources", () => {
  const accounts = parseMetricsAccounts(JSON.stringify(ACCOUNTS));

  it("parse, and describe themselves with project and database but no setting names", () => {
    expect(describeAccounts(accounts)).toEqual([
      { name: "gcp", type: "stackdriver", auth: "service-account", project: "my-project" },
      { name: "graphite", type: "graphite", endpoint: "https://graphite.example", auth: "none" },
      {
        name: "influx",
        type: "influxdb",
        endpoint: "https://influx.example:8086",
        auth: "token",
        database: "telegraf",
      },
      { name: "sfx", type: "signalfx", auth: "api-key" },
      { name: "wf", type: "wavefront", endpoint: "https://acme.wavefront.com", auth: "api-key" },
    ]);
  });

  it("refuse inline secrets and missing required fields, naming the path", () => {
    const bad = [
      { name: "sfx", type: "signalfx", accessToken: "abc", auth: { type: "api-key", apiKeySetting: "S" } },
      {
        name: "wf",
        type: "wavefront",
        endpoint: "https://a.wavefront.com",
        apiToken: "abc",
        auth: { type: "api-key", apiKeySetting: "W" },
      },
      {
        name: "gcp",
        type: "stackdriver",
        project: "p-123",
        auth: { type: "service-account", keySetting: "K" },
        privateKey: "-----BEGIN",
      },
      { name: "influx", type: "influxdb", endpoint: "https://i.example" },
    ];
    let error: MetricsAccountError | undefined;
    try {
      parseMetricsAccounts(JSON.stringify(bad));
    } catch (e) {
      error = e as MetricsAccountError;
    }
    expect(error?.problems.map((p) => p.path)).toEqual([
      "$[0].accessToken",
      "$[1].apiToken",
      "$[2].privateKey",
      "$[3].database",
    ]);
    expect(error?.problems[0]?.message).toBe(
      "inline secrets are not accepted: put the secret in an app setting and reference it with auth: { type: 'api-key', apiKeySetting }",
    );
  });

  it("build each source from its settings", async () => {
    const key = serviceAccountKey("https://oauth2.googleapis.com/token");
    const env = { GCP_KEY: key.json, INFLUX_TOKEN: "t1", SFX_TOKEN: "t2", WF_TOKEN: "t3" };
    const adapters = await Promise.all(accounts.map((a) => loadMetricSource(createMetricSource(a, env))));
    expect(adapters.map((s) => s.constructor)).toEqual([
      StackdriverMetricSource,
      GraphiteMetricSource,
      InfluxdbMetricSource,
      SignalFxMetricSource,
      WavefrontMetricSource,
    ]);
  });

  it("say which setting is missing or does not hold a service-account key, never its value", () => {
    const gcp = accounts[0]!;
    expect(() => createMetricSource(gcp, {})).toThrow(
      "metrics account 'gcp': setting 'GCP_KEY' (auth.keySetting) is not set",
    );
    expect(() => createMetricSource(gcp, { GCP_KEY: "not json at all" })).toThrow(
      "metrics account 'gcp': setting 'GCP_KEY' (auth.keySetting) is not JSON (expected the service-account key file's content)",
    );
    expect(() =>
      createMetricSource(gcp, {
        GCP_KEY: JSON.stringify({ type: "service_account", client_email: "a@b", private_key: "nope" }),
      }),
    ).toThrow(
      "metrics account 'gcp': setting 'GCP_KEY' (auth.keySetting) holds a private_key that is not a PEM RSA key",
    );
  });
});
