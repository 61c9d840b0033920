// Metric accounts: the COALMINE_METRICS_ACCOUNTS setting (inline or @file), inline-secret rejection, resolving by name or type, describing without secrets, building sources.
import { describe, expect, it } from "vitest";
import type { MetricsAccount } from "../../src/config/metrics-account.schema";
import {
  describeAccounts,
  loadMetricsAccounts,
  MetricsAccountError,
  parseMetricsAccounts,
  resolveMetricsAccount,
} from "../../src/metrics/accounts";
import { AzureMonitorPrometheusMetricSource } from "../../src/metrics/azure-monitor-prometheus-source";
import { DatadogMetricSource } from "../../src/metrics/datadog-source";
import { FileMetricSource } from "../../src/metrics/file-source";
import { LogAnalyticsMetricSource } from "../../src/metrics/log-analytics-source";
import { NewRelicMetricSource } from "../../src/metrics/new-relic-source";
import { PrometheusMetricSource } from "../../src/metrics/prometheus-source";
import { createMetricSource, loadMetricSource } from "../../src/metrics/source-factory";
import { fakeCredential } from "../helpers/fake-metric-servers";

const ACCOUNTS = [
  {
    name: "prom-prod",
    type: "prometheus",
    endpoint: "https://prom.example",
    auth: { type: "basic", usernameSetting: "PROM_USER", passwordSetting: "PROM_PASS" },
  },
  {
    name: "prom-staging",
    type: "prometheus",
    endpoint: "https://prom-staging.example",
    auth: { type: "bearer", tokenSetting: "PROM_TOKEN" },
  },
  {
    name: "amw",
    type: "azure-monitor-prometheus",
    endpoint: "https://ws.westeurope.prometheus.monitor.azure.com",
    auth: { type: "managed-identity", clientIdSetting: "AMW_CLIENT_ID" },
  },
  { name: "logs", type: "log-analytics", workspaceId: "0000-1111" },
  {
    name: "dd",
    type: "datadog",
    auth: { type: "api-key", apiKeySetting: "DD_API_KEY", appKeySetting: "DD_APP_KEY" },
  },
  { name: "nr", type: "newrelic", accountId: 42, auth: { type: "api-key", apiKeySetting: "NR_KEY" } },
  { name: "recorded", type: "file", endpoint: "test/fixtures/metrics/recorded" },
];
const ENV = {
  PROM_USER: "reader",
  PROM_PASS: "pw-1234",
  PROM_TOKEN: "tok-1234",
  AMW_CLIENT_ID: "cid",
  DD_API_KEY: "dd-1234",
  DD_APP_KEY: "ddapp-1234",
  NR_KEY: "NRAK-1234",
};

const accounts = parseMetricsAccounts(JSON.stringify(ACCOUNTS));

const errorOf = (f: () => unknown): MetricsAccountError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MetricsAccountError);
    return err as MetricsAccountError;
  }
  throw new Error("expected a MetricsAccountError");
};

describe("parsing COALMINE_METRICS_ACCOUNTS", () => {
  it("reads an inline array, an @file, and nothing", () => {
    expect(accounts.map((a) => a.name)).toEqual([
      "prom-prod",
      "prom-staging",
      "amw",
      "logs",
      "dd",
      "nr",
      "recorded",
    ]);
    const read = (p: string) => {
      expect(p).toBe("/etc/coalmine/accounts.json");
      return JSON.stringify(ACCOUNTS.slice(0, 1));
    };
    expect(loadMetricsAccounts("@accounts.json", "/etc/coalmine", read)).toHaveLength(1);
    expect(loadMetricsAccounts(undefined)).toEqual([]);
  });

  it("rejects inline secrets, credentials in URLs, bad types and duplicates, naming each path", () => {
    const err = errorOf(() =>
      parseMetricsAccounts(
        JSON.stringify([
          {
            name: "a",
            type: "prometheus",
            endpoint: "https://x",
            auth: { type: "basic", usernameSetting: "U", password: "hunter2" },
          },
          { name: "b", type: "prometheus", endpoint: "https://user:pw@x" },
          { name: "c", type: "datadog", apiKey: "abc", auth: { type: "api-key", apiKeySetting: "K" } },
          { name: "d", type: "promethues", endpoint: "https://x" },
        ]),
      ),
    );
    expect(err.message).not.toContain("hunter2");
    expect(err.message).toMatchInlineSnapshot(`
      "COALMINE_METRICS_ACCOUNTS is invalid:
        $[0].auth.password: inline secrets are not accepted: put the secret in an app setting and reference it with auth: { type: 'basic', usernameSetting, passwordSetting }
        $[1].endpoint: must not carry credentials (user:password@): reference them with auth.*Setting
        $[2].apiKey: inline secrets are not accepted: put the secret in an app setting and reference it with auth: { type: 'api-key', apiKeySetting }
        $[3].type: "promethues" is not allowed: did you mean 'prometheus'?"
    `);
    // duplicates are checked once every account is valid on its own
    expect(
      errorOf(() =>
        parseMetricsAccounts(
          JSON.stringify([
            { name: "a", type: "file", endpoint: "." },
            { name: "a", type: "file", endpoint: "x" },
          ]),
        ),
      ).problems,
    ).toEqual([{ path: "$[1].name", message: "duplicate account name 'a' (also at [0])" }]);
  });

  it("says when the setting is not JSON or its file is unreadable", () => {
    expect(errorOf(() => loadMetricsAccounts("[{")).message).toMatch(
      /^COALMINE_METRICS_ACCOUNTS is not JSON: /,
    );
    expect(errorOf(() => loadMetricsAccounts("@/nonexistent/a.json")).message).toMatch(
      /^COALMINE_METRICS_ACCOUNTS points at '\/nonexistent\/a.json', which cannot be read: ENOENT/,
    );
  });
});

describe("resolveMetricsAccount", () => {
  it("finds by name, or the only account of the query's type", () => {
    expect(resolveMetricsAccount(accounts, "prom-staging", "prometheus").name).toBe("prom-staging");
    expect(resolveMetricsAccount(accounts, undefined, "datadog").name).toBe("dd");
  });

  it("names the choices when it cannot decide", () => {
    expect(errorOf(() => resolveMetricsAccount(accounts, undefined, "prometheus")).message).toBe(
      "several metrics accounts of type 'prometheus': name one with metricsAccount ('prom-prod', 'prom-staging')",
    );
    expect(errorOf(() => resolveMetricsAccount(accounts, "prom", "prometheus")).message).toBe(
      "no metrics account named 'prom' (configured: 'prom-prod', 'prom-staging', 'amw', 'logs', 'dd', 'nr', 'recorded')",
    );
    expect(errorOf(() => resolveMetricsAccount(accounts, "dd", "prometheus")).message).toBe(
      "metrics account 'dd' is of type 'datadog' and cannot run a 'prometheus' query",
    );
    expect(errorOf(() => resolveMetricsAccount([], undefined, "file")).message).toBe(
      "no metrics account of type 'file' (configured: none; set COALMINE_METRICS_ACCOUNTS)",
    );
  });
});

describe("describeAccounts", () => {
  it("lists accounts without setting names or secrets", () => {
    const described = describeAccounts(accounts);
    expect(described).toEqual([
      { name: "prom-prod", type: "prometheus", endpoint: "https://prom.example", auth: "basic" },
      { name: "prom-staging", type: "prometheus", endpoint: "https://prom-staging.example", auth: "bearer" },
      {
        name: "amw",
        type: "azure-monitor-prometheus",
        endpoint: "https://ws.westeurope.prometheus.monitor.azure.com",
        auth: "managed-identity",
      },
      { name: "logs", type: "log-analytics", auth: "managed-identity", workspaceId: "0000-1111" },
      { name: "dd", type: "datadog", auth: "api-key" },
      { name: "nr", type: "newrelic", auth: "api-key", accountId: "42" },
      { name: "recorded", type: "file", auth: "none" },
    ]);
    expect(JSON.stringify(described)).not.toMatch(/Setting|PROM_PASS|DD_API_KEY/);
  });
});

describe("createMetricSource", () => {
  const byName = (n: string) => accounts.find((a) => a.name === n) as MetricsAccount;
  it("builds the adapter of each type (loaded on first use)", async () => {
    const credential = fakeCredential();
    const adapters = await Promise.all(
      accounts.map((a) => loadMetricSource(createMetricSource(a, ENV, { credential }))),
    );
    const kinds = adapters.map((s) => s.constructor);
    expect(kinds).toEqual([
      PrometheusMetricSource,
      PrometheusMetricSource,
      AzureMonitorPrometheusMetricSource,
      LogAnalyticsMetricSource,
      DatadogMetricSource,
      NewRelicMetricSource,
      FileMetricSource,
    ]);
  });

  it("names the missing setting, never a value", () => {
    expect(errorOf(() => createMetricSource(byName("prom-prod"), { PROM_USER: "reader" })).message).toBe(
      "metrics account 'prom-prod': setting 'PROM_PASS' (auth.passwordSetting) is not set",
    );
    expect(errorOf(() => createMetricSource(byName("dd"), { DD_API_KEY: "k" })).message).toBe(
      "metrics account 'dd': setting 'DD_APP_KEY' (auth.appKeySetting) is not set",
    );
  });
});
