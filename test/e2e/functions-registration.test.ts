// Loads the BUILT Functions entry (tsc → test-artifacts) with app.http/app.generic/app.timer captured, and checks what the host would see.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ACTIVITIES, ORCHESTRATIONS } from "../../src/analysis/activity-contracts";
import { ROUTES } from "../../src/http/routes";
import { captureRegistrations, type CapturedRegistrations } from "../../src/runtime/function-registry";

const ROOT = join(__dirname, "..", "..");
const OUT = join(ROOT, "test-artifacts", "functions-build");
let captured: CapturedRegistrations;

beforeAll(() => {
  // The same compiler settings as `npm run build`, into a private directory (others may be building dist/).
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", OUT],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  const entry = join(OUT, "functions", "index.js");
  if (!existsSync(entry)) throw new Error(`build produced no ${entry}:\n${tsc.stdout}\n${tsc.stderr}`);
  const load = createRequire(entry);
  captured = captureRegistrations(() => load(entry));
}, 240_000);

const bindingTypes = (options: { extraInputs?: unknown[] }): string[] =>
  (options.extraInputs ?? []).map((b) => (b as { type: string }).type);

describe("the built functions entry", () => {
  it("registers every route of the table with its methods, route template, function auth and a durable client", () => {
    const http = captured.http;
    expect([...http.keys()].sort()).toEqual(ROUTES.map((r) => r.name).sort());
    const seen = ROUTES.filter((r) => r.pattern !== "/api/").map((r) => {
      const options = http.get(r.name)!;
      return {
        name: r.name,
        methods: options.methods,
        route: options.route,
        authLevel: options.authLevel,
        inputs: bindingTypes(options),
      };
    });
    expect(seen).toEqual([
      {
        name: "analysesStart",
        methods: ["POST"],
        route: "analyses",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "analysesList",
        methods: ["GET"],
        route: "analyses",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "analysesGet",
        methods: ["GET"],
        route: "analyses/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "analysesCancel",
        methods: ["DELETE"],
        route: "analyses/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "analysesDecision",
        methods: ["POST"],
        route: "analyses/{id}/decision",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "analysesReport",
        methods: ["GET"],
        route: "analyses/{id}/report",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      { name: "judge", methods: ["POST"], route: "judge", authLevel: "function", inputs: ["durableClient"] },
      {
        name: "configsList",
        methods: ["GET"],
        route: "canary-configs",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "configsPut",
        methods: ["PUT"],
        route: "canary-configs/{application}/{name}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "configsGet",
        methods: ["GET"],
        route: "canary-configs/{application}/{name}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "configsDelete",
        methods: ["DELETE"],
        route: "canary-configs/{application}/{name}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "metricsAccounts",
        methods: ["GET"],
        route: "metrics-accounts",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "openapi",
        methods: ["GET"],
        route: "openapi.json",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaStart",
        methods: ["POST"],
        route: "standalone_canary_analysis",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaStartStored",
        methods: ["POST"],
        route: "standalone_canary_analysis/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaStatus",
        methods: ["GET"],
        route: "standalone_canary_analysis/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaCanaryStart",
        methods: ["POST"],
        route: "canary/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaCanaryStartAdhoc",
        methods: ["POST"],
        route: "canary",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaCanaryExecutions",
        methods: ["GET"],
        route: "canary/executions",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaCanaryStatus",
        methods: ["GET"],
        route: "canary/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaConfigList",
        methods: ["GET"],
        route: "canaryConfig",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaConfigCreate",
        methods: ["POST"],
        route: "canaryConfig",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaConfigGet",
        methods: ["GET"],
        route: "canaryConfig/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaConfigUpdate",
        methods: ["PUT"],
        route: "canaryConfig/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaConfigDelete",
        methods: ["DELETE"],
        route: "canaryConfig/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaCredentials",
        methods: ["GET"],
        route: "credentials",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaJudges",
        methods: ["GET"],
        route: "judges",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaMetricsMetadata",
        methods: ["GET"],
        route: "metadata/metricsService",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaPipelineCancel",
        methods: ["PUT"],
        route: "pipelines/{id}/cancel",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaMetricSetPairList",
        methods: ["GET"],
        route: "metricSetPairList/{id}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
      {
        name: "kayentaMetricSetPair",
        methods: ["GET"],
        route: "metricSetPairList/{id}/{pairId}",
        authLevel: "function",
        inputs: ["durableClient"],
      },
    ]);
    const index = http.get("index")!;
    expect(index).toMatchObject({ route: "{*path}", authLevel: "function" });
    expect(index.methods).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "DELETE"]));
  });

  it("registers the orchestrator and every activity with their triggers", () => {
    const triggers = Object.fromEntries(
      [...captured.generic].map(([name, o]) => [name, (o.trigger as { type: string }).type]),
    );
    expect(triggers[ORCHESTRATIONS.canaryAnalysis]).toBe("orchestrationTrigger");
    for (const name of Object.values(ACTIVITIES)) expect(triggers[name], name).toBe("activityTrigger");
  });

  it("registers the retention timer with a daily schedule and a durable client", () => {
    const timer = captured.timer.get("retention");
    expect(timer?.schedule).toBe("0 15 3 * * *");
    expect(bindingTypes(timer!)).toEqual(["durableClient"]);
    expect([...captured.timer.keys()]).toEqual(["retention"]);
  });
});
