// Loads the BUILT Functions entry (the production bundle → test-artifacts) with app.http/app.generic/app.timer captured,
// and checks what the host would see, what loads only on first use, and what the deployment package holds.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from "@azure/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildAll, type BuildResult } from "../../scripts/build";
import { ACTIVITIES, ORCHESTRATIONS } from "../../src/analysis/activity-contracts";
import { ROUTES } from "../../src/http/routes";
import { captureRegistrations, type CapturedRegistrations } from "../../src/runtime/function-registry";

const ROOT = join(__dirname, "..", "..");
// A private directory: others may be building dist/.
const OUT = join(ROOT, "test-artifacts", "functions-build");
let built: BuildResult;
let captured: CapturedRegistrations;
let load: NodeJS.Require;

beforeAll(async () => {
  built = await buildAll(OUT);
  const entry = built.functionsEntry;
  if (!existsSync(entry)) throw new Error(`the build produced no ${entry}`);
  load = createRequire(entry);
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

  it("loads the composition root (stores, SDKs, metric sources) with the first invocation, not with the app", async () => {
    const app = join(OUT, "functions", "app.js");
    expect(load.cache[app]).toBeUndefined();
    const handler: HttpHandler = captured.http.get("openapi")!.handler;
    const env = { ...process.env };
    delete process.env.COALMINE_STORAGE;
    try {
      const response = (await handler(
        new HttpRequest({ method: "GET", url: "http://localhost/api/openapi.json" }),
        new InvocationContext({ functionName: "openapi" }),
      )) as HttpResponseInit;
      // Without storage settings the app answers 503 naming the setting: the lazily loaded root ran.
      expect(response.status).toBe(503);
      expect(typeof response.body === "string" ? response.body : "").toContain("COALMINE_STORAGE");
    } finally {
      process.env = env;
    }
    expect(load.cache[app]).toBeDefined();
    // @azure/identity is a bundle of its own, loaded only when a credential is first asked for a token.
    const identity = join(OUT, "functions", "azure-identity.js");
    expect(existsSync(identity)).toBe(true);
    expect(load.cache[identity]).toBeUndefined();
    const appInputs = Object.keys(built.metafiles["functions app"]?.inputs ?? {});
    expect(appInputs.length).toBeGreaterThan(0);
    expect(appInputs.filter((i) => /node_modules\/@azure\/(identity|msal-node)\//.test(i))).toEqual([]);
  });

  it("keeps validation, the handlers, the judges and the stores out of the entry: they come with app.js", () => {
    // Every trigger's cold start loads the entry; it registers from the route list and the activity names alone.
    const entryInputs = Object.keys(built.metafiles["functions entry"]?.inputs ?? {});
    expect(entryInputs).toContain("src/http/route-list.ts");
    expect(entryInputs).toContain("src/analysis/orchestrator.ts");
    const heavy = /node_modules\/zod\/|^src\/(http\/routes|judge|store|metrics|report|config\/.*schema)/;
    expect(entryInputs.filter((i) => heavy.test(i))).toEqual([]);
  });

  it("builds a deployment package with the bundles, host.json and only @azure/functions with its dependencies", () => {
    const deploy = built.deployDir;
    const pkg = JSON.parse(readFileSync(join(deploy, "package.json"), "utf8")) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.main).toBe("functions/index.js");
    expect(Object.keys(pkg.dependencies)).toEqual(["@azure/functions"]);
    expect(existsSync(join(deploy, "host.json"))).toBe(true);
    expect(readdirSync(join(deploy, "functions")).filter((f) => f.endsWith(".js"))).toEqual([
      "app.js",
      "azure-identity.js",
      "index.js",
    ]);
    const modules = readdirSync(join(deploy, "node_modules")).flatMap((m) =>
      m.startsWith("@") ? readdirSync(join(deploy, "node_modules", m)).map((n) => `${m}/${n}`) : [m],
    );
    expect(modules.sort()).toEqual(["@azure/functions", "@azure/functions-extensions-base", "cookie"]);
    // The package loads on its own (its own @azure/functions, outside the host: test mode).
    const child = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(deploy, pkg.main))})`], {
      cwd: deploy,
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
  });

  it("writes a V8 code cache next to each CLI command bundle, which the dispatcher loads them with", () => {
    const commands = join(OUT, "cli", "commands");
    const bundles = readdirSync(commands).filter((f) => f.endsWith(".js") && f !== "azure-identity.js");
    expect(bundles.sort()).toEqual([
      "demo.js",
      "fetch.js",
      "judge.js",
      "purge.js",
      "run.js",
      "serve.js",
      "validate.js",
    ]);
    for (const b of bundles) expect(existsSync(join(commands, `${b}.cache`)), b).toBe(true);
    expect(readFileSync(built.cliEntry, "utf8")).toContain("commands/judge.js");
  });

  it("registers the retention timer with a daily schedule and a durable client", () => {
    const timer = captured.timer.get("retention");
    expect(timer?.schedule).toBe("0 15 3 * * *");
    expect(bindingTypes(timer!)).toEqual(["durableClient"]);
    expect([...captured.timer.keys()]).toEqual(["retention"]);
  });
});
