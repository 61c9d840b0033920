// The pipeline examples parse, and the HTTP calls they make match the API: routes, methods, bodies, headers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { validateAnalysisRequest, validateCanaryConfig } from "../../src/config/validate";
import { Router } from "../../src/http/router";
import { ROUTES } from "../../src/http/routes";

const dir = join(__dirname, "..", "..", "infra", "pipelines");
const read = (f: string) => readFileSync(join(dir, f), "utf8");
const storedConfig = JSON.parse(read("canary-config.json"));
const router = new Router(ROUTES);

/** Azure Pipelines macro syntax `$(name)` replaced by plausible values (as the agent would). */
function expandMacros(text: string): string {
  const values: Record<string, string> = { app: "checkout", namespace: "prod", "Build.BuildId": "1234" };
  return text.replace(/\$\(([\w.]+)\)/g, (_m, name: string) => values[name] ?? `value-of-${name}`);
}

function tasks(node: unknown, out: Record<string, any>[] = []): Record<string, any>[] {
  if (Array.isArray(node)) node.forEach((n) => tasks(n, out));
  else if (node && typeof node === "object") {
    if ("task" in node) out.push(node as Record<string, any>);
    Object.values(node).forEach((v) => tasks(v, out));
  }
  return out;
}

const ADO_HEADERS = {
  PlanUrl: "$(system.CollectionUri)",
  ProjectId: "$(system.TeamProjectId)",
  HubName: "$(system.HostType)",
  PlanId: "$(system.PlanId)",
  JobId: "$(system.JobId)",
  TimelineId: "$(system.TimelineId)",
  TaskInstanceId: "$(system.TaskInstanceId)",
  AuthToken: "$(system.AccessToken)",
};

describe("pipeline examples", () => {
  it("the canary config they name is valid", () => {
    const v = validateCanaryConfig(storedConfig);
    expect(v.ok ? [] : v.problems).toEqual([]);
  });

  for (const file of ["azure-pipelines.yml", "azure-pipelines-multistage.yml"]) {
    describe(file, () => {
      const doc = parse(read(file));
      const all = tasks(doc);
      const calls = all.filter((t) => t.task === "AzureFunction@1");

      it("deploys with KubernetesManifest canary, then promotes or rejects", () => {
        const km = all.filter((t) => t.task === "KubernetesManifest@1").map((t) => t.inputs);
        expect(
          km.some((i) => i.action === "deploy" && i.strategy === "canary" && Number(i.percentage) === 10),
        ).toBe(true);
        expect(km.some((i) => i.action === "promote")).toBe(true);
        expect(km.some((i) => i.action === "reject")).toBe(true);
        const stages = doc.stages as { stage: string; condition?: string }[];
        expect(stages.find((s) => s.stage === "Reject")?.condition).toBe("failed()");
      });

      it("calls POST /api/analyses in Callback mode from an agentless job", () => {
        expect(calls.length).toBeGreaterThan(0);
        const jobs = JSON.stringify(doc);
        expect(jobs).toContain('"pool":"server"');
        for (const call of calls) {
          const inputs = call.inputs;
          expect(inputs.method).toBe("POST");
          expect(inputs.waitForCompletion).toBe("true");
          const path = new URL(
            expandMacros(inputs.function).replace("value-of-coalmineUrl", "https://coalmine.example"),
          ).pathname;
          const match = router.match("POST", path);
          expect(match && "route" in match ? match.route.name : match).toBe("analysesStart");
          expect(inputs.key).toMatch(/^\$\(\w+\)$/); // a secret variable, never a literal key
        }
      });

      it("sends the agentless task's plan headers", () => {
        for (const call of calls) {
          const headers = JSON.parse(call.inputs.headers);
          expect(headers).toMatchObject({ "Content-Type": "application/json", ...ADO_HEADERS });
        }
      });

      it("sends bodies that validate as analysis requests", () => {
        for (const call of calls) {
          const body = JSON.parse(expandMacros(call.inputs.body));
          const v = validateAnalysisRequest(body, { storedConfig });
          expect(v.ok ? [] : v.problems).toEqual([]);
          expect(body.canaryConfigName).toBe(storedConfig.name);
        }
      });
    });
  }

  describe("github-actions-canary.yml", () => {
    const doc = parse(read("github-actions-canary.yml"));
    const steps = doc.jobs.canary.steps as { name?: string; run?: string; env?: Record<string, string> }[];

    it("writes a valid request and waits with coalmine-analysis.sh", () => {
      const write = steps.find((s) => s.run?.includes("canary-request.json <<JSON"))!;
      const json = write
        .run!.split("<<JSON\n")[1]!
        .split("\nJSON")[0]!
        .replace(/\$\{\{[^}]+\}\}/g, (m) =>
          m.includes("sha")
            ? "0123456789abcdef0123456789abcdef01234567"
            : m.includes("repository")
              ? "org/checkout"
              : "42",
        )
        .replace(/\$\{(\w+)\}/g, (_m, v: string) => ({ APP: "checkout", NAMESPACE: "prod" })[v] ?? v);
      const v = validateAnalysisRequest(JSON.parse(json), { storedConfig });
      expect(v.ok ? [] : v.problems).toEqual([]);
      const wait = steps.find((s) => s.run?.includes("coalmine-analysis.sh"))!;
      expect(wait.env).toMatchObject({
        COALMINE_URL: expect.any(String),
        COALMINE_KEY: expect.stringContaining("secrets."),
      });
    });

    it("the script calls the start and status routes", () => {
      const script = read("coalmine-analysis.sh");
      for (const [method, path] of [
        ["POST", "/api/analyses"],
        ["GET", "/api/analyses/01J0000000000000000000000"],
        ["GET", "/api/analyses/01J0000000000000000000000/report"],
      ] as const) {
        const m = router.match(method, path);
        expect(m && "route" in m).toBe(true);
      }
      expect(script).toContain('"${base}/api/analyses"');
      expect(script).toContain('"${base}/api/analyses/${id}"');
      expect(script).toContain("x-functions-key");
    });
  });
});
