// The pipeline examples parse, and the HTTP calls they make match the API: routes, methods, bodies, headers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { validateAnalysisRequest, validateCanaryConfig } from "../../src/config/validate";
import { absoluteStartTime } from "../../src/config/analysis-request.schema";
import { parseIsoDuration } from "../../src/config/duration";
import { MAX_START_WAIT_MS } from "../../src/http/analysis-handlers";
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

  describe("azure-devops-checks-and-gates.md and azure-pipelines-environment-check.yml", () => {
    const md = read("azure-devops-checks-and-gates.md");
    const blocks = [...md.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

    it("documents the task's plan headers and a body that validates", () => {
      expect(blocks).toHaveLength(2);
      expect(JSON.parse(blocks[0]!)).toEqual({ "Content-Type": "application/json", ...ADO_HEADERS });
      const body = JSON.parse(expandMacros(blocks[1]!));
      const v = validateAnalysisRequest(body, { storedConfig });
      expect(v.ok ? [] : v.problems).toEqual([]);
      expect(md).toMatch(/Completion event\s*\|\s*\*\*Callback\*\*/);
      expect(md).toContain("host key");
    });

    it("the pipeline promotes on the checked environment and rejects when it fails", () => {
      const doc = parse(read("azure-pipelines-environment-check.yml"));
      const stages = doc.stages as { stage: string; condition?: string; dependsOn?: string }[];
      expect(JSON.stringify(doc)).toContain('"environment":"prod-checkout-promote"');
      expect(md).toContain("prod-checkout-promote");
      expect(stages.find((s) => s.stage === "Reject")).toMatchObject({
        dependsOn: "Promote",
        condition: "failed()",
      });
      const km = tasks(doc)
        .filter((t) => t.task === "KubernetesManifest@1")
        .map((t) => t.inputs.action);
      expect(km).toEqual(["deploy", "promote", "reject"]);
    });
  });

  describe("argo-rollouts-analysis-template.yaml", () => {
    const [template, rollout] = parseAllDocuments(read("argo-rollouts-analysis-template.yaml")).map((d) =>
      d.toJSON(),
    );
    const metric = template.spec.metrics[0];
    const web = metric.provider.web;

    it("makes one call with ?wait (within the maximum) to the start route, with a host key header", () => {
      const url = new URL(web.url);
      const m = router.match("POST", url.pathname);
      expect(m && "route" in m ? m.route.name : m).toBe("analysesStart");
      const wait = parseIsoDuration(url.searchParams.get("wait") ?? "");
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(MAX_START_WAIT_MS);
      expect(web.timeoutSeconds * 1000).toBeGreaterThan(wait!); // Argo must outwait the wait
      expect(web.method).toBe("POST");
      expect(web.headers).toContainEqual({ key: "x-functions-key", value: "{{args.coalmine-key}}" });
      expect(
        template.spec.args.find((a: { name: string }) => a.name === "coalmine-key").valueFrom.secretKeyRef,
      ).toEqual({
        name: "coalmine",
        key: "host-key",
      });
      expect(web.jsonPath).toBe("{$.verdict}");
      expect(metric.successCondition).toBe('result == "pass"');
    });

    it("posts a retrospective request that validates and fits in the wait", () => {
      const args: Record<string, string> = {
        app: "checkout",
        namespace: "prod",
        "stable-hash": "6d4f8",
        "canary-hash": "9c7b2",
      };
      const body = JSON.parse(
        web.body.replace(/\{\{args\.([\w-]+)\}\}/g, (_m: string, n: string) => args[n] ?? n),
      );
      const v = validateAnalysisRequest(body, { storedConfig });
      expect(v.ok ? [] : v.problems).toEqual([]);
      const total = (body.stages as { duration: string }[]).reduce(
        (t, st) => t + parseIsoDuration(st.duration)!,
        0,
      );
      expect(body.startTime).toMatch(/^-P/);
      expect(parseIsoDuration(body.startTime.slice(1))).toBeGreaterThanOrEqual(total); // entirely in the past
      expect(absoluteStartTime(body.startTime, Date.parse("2026-11-23T10:10:00Z"))).toBe(
        "2026-11-23T10:00:00.000Z",
      );
    });

    it("the Rollout passes the stable and canary pod-template hashes", () => {
      const step = rollout.spec.strategy.canary.steps.find(
        (st: { analysis?: unknown }) => st.analysis,
      ).analysis;
      expect(step.templates).toEqual([{ templateName: "coalmine-verdict" }]);
      const byName = Object.fromEntries(step.args.map((a: { name: string }) => [a.name, a]));
      expect(byName["stable-hash"].valueFrom).toEqual({ podTemplateHashValue: "Stable" });
      expect(byName["canary-hash"].valueFrom).toEqual({ podTemplateHashValue: "Latest" });
    });
  });
});
