// Kayenta-format configs for stackdriver, graphite, influxdb, signalfx and wavefront through the CLI: `fetch --dry-run` shows each final query, `fetch` pairs both scopes (real InfluxDB and graphite-web; local Cloud Monitoring, SignalFlow and Wavefront stand-ins), `judge` judges the pairs.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io";
import { main } from "../../src/cli/main";
import {
  cloudMonitoringList,
  cloudMonitoringSeries,
  googleTokenAnswer,
  serviceAccountKey,
  signalFlowStream,
  startFakeServer,
  wavefrontChart,
  type FakeServer,
} from "../helpers/fake-metric-servers";
import { graphiteTestsEnabled, startGraphite, type GraphiteServer } from "../helpers/graphite";
import { INFLUX_DATABASE, influxdbTestsEnabled, startInfluxdb, type InfluxServer } from "../helpers/influxdb";

const ROOT = join(__dirname, "../..");
const SAMPLES = join(ROOT, "test/fixtures/configs/kayenta-samples");
const sample = async (file: string): Promise<unknown> =>
  JSON.parse(await readFile(join(SAMPLES, file), "utf8"));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "coalmine-kayenta-sources-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: dir };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** A native request inlining `config`, both scopes under `default`, over [start, end). */
async function requestFile(
  name: string,
  config: unknown,
  sides: { baseline: Record<string, unknown>; canary: Record<string, unknown> },
  window: { start: string; end: string },
): Promise<string> {
  const minutes = (Date.parse(window.end) - Date.parse(window.start)) / 60_000;
  const file = join(dir, `${name}.request.json`);
  await writeFile(
    file,
    JSON.stringify({
      application: "checkout",
      canaryConfig: config,
      scopes: { default: { ...sides, step: "PT1M" } },
      stages: [{ name: "all", trafficWeight: 50, duration: `PT${minutes}M` }],
      startTime: window.start,
    }),
  );
  await writeFile(join(dir, `${name}.config.json`), JSON.stringify(config));
  return file;
}

/** `coalmine fetch` then `coalmine judge` on what it printed; returns both results. */
async function fetchAndJudge(
  name: string,
  request: string,
  env: Record<string, string>,
  thresholds = ["--pass", "95", "--marginal", "75"],
) {
  const fetched = await cli(["fetch", request], env);
  const pairsFile = join(dir, `${name}.pairs.json`);
  await writeFile(pairsFile, fetched.stdout);
  const judged = await cli(
    [
      "judge",
      "--config",
      join(dir, `${name}.config.json`),
      "--pairs",
      pairsFile,
      "--judge",
      "NetflixACAJudge-v1.0",
      ...thresholds,
    ],
    env,
  );
  return {
    fetched,
    judged,
    pairs: JSON.parse(fetched.stdout) as {
      name: string;
      tags: Record<string, string>;
      attributes: { control: { query: string }; experiment: { query: string } };
    }[],
    result: JSON.parse(judged.stdout) as {
      results: { name: string; classification: string }[];
      score: { score: number; classification: string };
    },
  };
}

describe("cloud sources through the CLI (local stand-ins)", () => {
  let cloud: FakeServer;
  let key: ReturnType<typeof serviceAccountKey>;
  let env: Record<string, string>;
  const WINDOW = { start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T11:10:00.000Z" };
  const T0 = Date.parse(WINDOW.start);
  const minutes = Array.from({ length: 10 }, (_, i) => i);

  beforeAll(async () => {
    cloud = await startFakeServer((r) => {
      if (r.path === "/token") return googleTokenAnswer(r, key, `${cloud.url}/token`);
      if (r.path === "/v3/projects/my-project/timeSeries") {
        // the canary (server group myapp-v021) runs hotter
        const canary = (r.query.get("filter") ?? "").includes("myapp-v021");
        return {
          body: cloudMonitoringList([
            cloudMonitoringSeries(
              {},
              minutes.map((m) => [
                new Date(T0 + (m + 1) * 60_000).toISOString(),
                (canary ? 0.6 : 0.3) + (m % 3) * 0.01,
              ]),
            ),
          ]),
        };
      }
      if (r.path === "/v2/signalflow/execute")
        // both sides alike: a healthy canary
        return {
          headers: { "Content-Type": "text/event-stream" },
          body: signalFlowStream(minutes.map((m) => ({ t: T0 + m * 60_000, value: 50 + (m % 4) }))),
        };
      if (r.path === "/api/v2/chart/api")
        return {
          body: wavefrontChart(r.query.get("q") ?? "", [
            { data: minutes.map((m) => [T0 / 1000 + m * 60, 20 + (m % 5)]) },
          ]),
        };
      return { status: 404, body: { message: `no route ${r.path}` } };
    });
    key = serviceAccountKey(`${cloud.url}/token`);
    env = {
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([
        {
          name: "gcp",
          type: "stackdriver",
          project: "my-project",
          endpoint: cloud.url,
          auth: { type: "service-account", keySetting: "GCP_SA_KEY" },
        },
        {
          name: "sfx",
          type: "signalfx",
          endpoint: cloud.url,
          auth: { type: "api-key", apiKeySetting: "SFX_TOKEN" },
          defaultScopeKey: "canary-scope",
        },
        {
          name: "wf",
          type: "wavefront",
          endpoint: cloud.url,
          auth: { type: "api-key", apiKeySetting: "WF_TOKEN" },
        },
      ]),
      GCP_SA_KEY: key.json,
      SFX_TOKEN: "sfx-token-0001",
      WF_TOKEN: "wf-token-0002",
    };
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it("stackdriver: Kayenta's scratch sample config unchanged, gce_instance from extendedScopeParams; the hotter canary fails", async () => {
    const request = await requestFile(
      "stackdriver",
      await sample("stackdriver-scratch.config.json"),
      {
        baseline: {
          scope: "myapp-v010",
          location: "us-east1",
          extendedScopeParams: { resourceType: "gce_instance" },
        },
        canary: {
          scope: "myapp-v021",
          location: "us-east1",
          extendedScopeParams: { resourceType: "gce_instance" },
        },
      },
      WINDOW,
    );
    const dry = await cli(["fetch", request, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).queries[0].canary.query).toBe(
      'metric.type="compute.googleapis.com/instance/cpu/utilization" AND resource.type=gce_instance AND project=my-project' +
        ' AND metadata.user_labels."spinnaker-region"=us-east1 AND metadata.user_labels."spinnaker-server-group"=myapp-v021' +
        " | alignmentPeriod=60s perSeriesAligner=ALIGN_MEAN crossSeriesReducer=REDUCE_MEAN",
    );
    const { fetched, judged, pairs, result } = await fetchAndJudge("stackdriver", request, env);
    expect(fetched.code).toBe(0);
    expect(pairs).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ name: "cpu", classification: "High" });
    expect(judged.code).toBe(1);
  });

  it("signalfx: Kayenta's json-formats sample unchanged (metric + aggregation, query pairs); alike sides pass", async () => {
    const request = await requestFile(
      "signalfx",
      await sample("json-formats-signalfx.config.json"),
      { baseline: { scope: "checkout-baseline" }, canary: { scope: "checkout-canary" } },
      WINDOW,
    );
    const { fetched, judged, pairs, result } = await fetchAndJudge("signalfx", request, env);
    expect(fetched.code).toBe(0);
    expect(pairs.map((p) => p.attributes.experiment.query)).toEqual([
      "data('kayenta.integration-test.cpu.avg', filter=filter('canary-scope', 'checkout-canary')).avg(by=['canary-scope']).publish()",
      "data('kayenta.integration-test.request.count', filter=filter('uri', '/v1/some-endpoint') and filter('status_code', '4*') and filter('canary-scope', 'checkout-canary')).sum(by=['canary-scope']).publish()",
    ]);
    expect(pairs[1]!.tags).toEqual({ uri: "/v1/some-endpoint", status_code: "4*" });
    expect(result.results.map((r) => r.classification)).toEqual(["Pass", "Pass"]);
    expect(result.score.score).toBe(100);
    expect(judged.code).toBe(0);
  });

  it("wavefront: json-formats' sample (its summerization typo fixed); alike sides pass", async () => {
    const config = (await sample("json-formats-wavefront.config.json")) as {
      metrics: { query: Record<string, unknown> }[];
    };
    const query = config.metrics[0]!.query;
    query["summarization"] = query["summerization"];
    delete query["summerization"];
    const request = await requestFile(
      "wavefront",
      config,
      { baseline: { scope: "env=baseline" }, canary: { scope: "env=canary" } },
      WINDOW,
    );
    const { fetched, judged, pairs, result } = await fetchAndJudge("wavefront", request, env);
    expect(fetched.code).toBe(0);
    expect(pairs[0]!.attributes.experiment.query).toBe(
      "avg(ts(heapster.pod.cpu.usage_rate, env=canary)) | g=m summarization=MEAN",
    );
    expect(result.results[0]!.classification).toBe("Pass");
    expect(judged.code).toBe(0);
  });

  it("a missing secret setting is a usage error naming the setting, never a value", async () => {
    const request = await requestFile(
      "wf-missing",
      { name: "x", metrics: [{ name: "m", query: { type: "wavefront", metricName: "x" } }] },
      { baseline: { scope: "a" }, canary: { scope: "b" } },
      WINDOW,
    );
    const { WF_TOKEN: _drop, ...without } = env;
    const out = await cli(["fetch", request, "--dry-run"], without);
    expect(out.code).toBe(64);
    expect(out.stderr).toContain("metrics account 'wf': setting 'WF_TOKEN' (auth.apiKeySetting) is not set");
  });
});

describe.runIf(influxdbTestsEnabled())("influxdb through the CLI (real InfluxDB)", () => {
  let influx: InfluxServer;
  beforeAll(async () => {
    influx = await startInfluxdb();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it("Kayenta's documented influxdb queries unchanged: both sides fetched, paired and judged (the canary's cpu count is High)", async () => {
    const end = influx.data.endSec;
    const window = {
      start: new Date((end - 600) * 1000).toISOString(),
      end: new Date(end * 1000).toISOString(),
    };
    const request = await requestFile(
      "influxdb",
      await sample("influxdb-docs.config.json"),
      {
        baseline: { scope: "deployment:checkout-baseline" },
        canary: { scope: "deployment:checkout-canary" },
      },
      window,
    );
    const env = {
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([
        { name: "influx", type: "influxdb", endpoint: influx.url, database: INFLUX_DATABASE },
      ]),
    };
    const { fetched, judged, pairs, result } = await fetchAndJudge("influxdb", request, env);
    expect(fetched.code).toBe(0);
    expect(pairs.map((p) => [p.name, p.tags])).toEqual([
      ["cpu", { field: "count" }],
      ["cpu sum", { field: "sum" }],
    ]);
    expect(pairs[1]!.attributes.experiment.query).toMatch(
      /^SELECT sum\(count\) FROM cpu WHERE host = 'value1' AND deployment = 'checkout-canary' AND time >= '.*' AND time < '.*' GROUP BY time\(1m\)$/,
    );
    expect(result.results.map((r) => r.classification)).toEqual(["High", "High"]);
    expect(judged.code).toBe(1);
  });
});

describe.runIf(graphiteTestsEnabled())("graphite through the CLI (real graphite-web)", () => {
  let graphite: GraphiteServer;
  beforeAll(async () => {
    graphite = await startGraphite();
  }, 90_000);
  afterAll(async () => {
    await graphite?.stop();
  });

  it("Kayenta's integration-test-cpu config unchanged (a wildcard target): fetched, paired and judged (the canary is High)", async () => {
    const end = graphite.data.endSec;
    const window = {
      start: new Date((end - 600) * 1000).toISOString(),
      end: new Date(end * 1000).toISOString(),
    };
    const request = await requestFile(
      "graphite",
      await sample("graphite-integration-test-cpu.config.json"),
      { baseline: { scope: "checkout-baseline" }, canary: { scope: "checkout-canary" } },
      window,
    );
    const env = {
      COALMINE_METRICS_ACCOUNTS: JSON.stringify([
        { name: "graphite", type: "graphite", endpoint: graphite.url },
      ]),
    };
    const { fetched, judged, pairs, result } = await fetchAndJudge("graphite", request, env, [
      "--pass",
      "75",
      "--marginal",
      "50",
    ]);
    expect(fetched.code).toBe(0);
    expect(pairs.map((p) => p.attributes.experiment.query)).toEqual([
      "integrationTestCpu.namespace.*.scope.checkout-canary",
    ]);
    expect(result.results[0]).toMatchObject({ name: "test", classification: "High" });
    expect(judged.code).toBe(1);
  });
});
