// Lazy loading (docs/performance.md): after building the app's ports, a metric source's module loads only when an
// account of its type is used, and the identity SDK only when a credential is asked for a token.
import { describe, expect, it, vi } from "vitest";

/** Every module watched here, in the order it was first loaded (each vi.mock factory runs on the module's first import). */
const loaded = vi.hoisted(() => [] as string[]);
const watch = (name: string) => async (importOriginal: () => Promise<unknown>) => {
  loaded.push(name);
  return importOriginal();
};
vi.mock("../../src/metrics/prometheus-source", () =>
  watch("prometheus")(() => vi.importActual("../../src/metrics/prometheus-source")),
);
vi.mock("../../src/metrics/azure-monitor-prometheus-source", () =>
  watch("azure-monitor-prometheus")(() =>
    vi.importActual("../../src/metrics/azure-monitor-prometheus-source"),
  ),
);
vi.mock("../../src/metrics/log-analytics-source", () =>
  watch("log-analytics")(() => vi.importActual("../../src/metrics/log-analytics-source")),
);
vi.mock("../../src/metrics/datadog-source", () =>
  watch("datadog")(() => vi.importActual("../../src/metrics/datadog-source")),
);
vi.mock("../../src/metrics/new-relic-source", () =>
  watch("newrelic")(() => vi.importActual("../../src/metrics/new-relic-source")),
);
vi.mock("../../src/metrics/file-source", () =>
  watch("file")(() => vi.importActual("../../src/metrics/file-source")),
);
vi.mock("../../src/metrics/stackdriver-source", () =>
  watch("stackdriver")(() => vi.importActual("../../src/metrics/stackdriver-source")),
);
vi.mock("../../src/metrics/graphite-source", () =>
  watch("graphite")(() => vi.importActual("../../src/metrics/graphite-source")),
);
vi.mock("../../src/metrics/influxdb-source", () =>
  watch("influxdb")(() => vi.importActual("../../src/metrics/influxdb-source")),
);
vi.mock("../../src/metrics/signalfx-source", () =>
  watch("signalfx")(() => vi.importActual("../../src/metrics/signalfx-source")),
);
vi.mock("../../src/metrics/wavefront-source", () =>
  watch("wavefront")(() => vi.importActual("../../src/metrics/wavefront-source")),
);
vi.mock("@azure/identity", () => watch("@azure/identity")(() => vi.importActual("@azure/identity")));
// The module that creates DefaultAzureCredential: watched, and its credential replaced so that no token is sought.
vi.mock("../../src/identity/azure-identity", () => {
  loaded.push("identity module");
  return {
    createDefaultAzureCredential: () => ({
      getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
    }),
  };
});

const ACCOUNTS = [
  { name: "prom", type: "prometheus", endpoint: "http://127.0.0.1:9" },
  { name: "amw", type: "azure-monitor-prometheus", endpoint: "http://127.0.0.1:9", maxAttempts: 1 },
  {
    name: "dd",
    type: "datadog",
    auth: { type: "api-key", apiKeySetting: "DD_API_KEY", appKeySetting: "DD_APP_KEY" },
  },
  { name: "recorded", type: "file", endpoint: "test/fixtures/metrics/recorded" },
];

describe("lazy loading of metric sources and identity", () => {
  it("loads only the Prometheus adapter for a Prometheus account, then Azure's and identity only when used", async () => {
    const { createAppPorts } = await import("../../src/app/ports");
    const { parseSettings } = await import("../../src/app/settings");
    const { loadMetricSource } = await import("../../src/metrics/source-factory");
    const settings = parseSettings({
      COALMINE_METRICS_ACCOUNTS: JSON.stringify(ACCOUNTS),
      DD_API_KEY: "dd-1234",
      DD_APP_KEY: "ddapp-1234",
    });
    const ports = createAppPorts({ settings, storage: "memory", clock: { now: () => new Date(0) } as never });
    // The composition root is built: no adapter and no identity yet.
    expect(loaded).toEqual([]);

    const metric = {
      name: "cpu",
      groups: [],
      query: { type: "prometheus" as const, metricName: "cpu", customInlineTemplate: "PromQL:rate(cpu[1m])" },
    };
    const prometheus = await loadMetricSource(ports.metricSources("prom", metric));
    const request = {
      config: { name: "c", metrics: [metric] },
      metric,
      scope: { scope: "canary" },
      window: { start: "2026-11-30T00:00:00Z", end: "2026-11-30T01:00:00Z", stepSeconds: 60 },
    };
    expect(prometheus.buildQuery(request as never)).toContain("cpu");
    expect(loaded).toEqual(["prometheus"]);

    // An Azure Monitor account: its adapter loads when used, identity only when the first token is needed.
    const amwMetric = { ...metric, query: { ...metric.query, type: "azure-monitor-prometheus" as const } };
    const amw = ports.metricSources("amw", amwMetric);
    await loadMetricSource(amw);
    expect(loaded).toEqual(["prometheus", "azure-monitor-prometheus"]);
    const amwRequest = { ...request, config: { name: "c", metrics: [amwMetric] }, metric: amwMetric };
    await expect(amw.fetch(amwRequest as never)).rejects.toThrow(); // nothing listens on port 9
    expect(loaded).toEqual(["prometheus", "azure-monitor-prometheus", "identity module"]);
    expect(loaded).not.toContain("@azure/identity"); // the stand-in above never imports the SDK
  });
});
