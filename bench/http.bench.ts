// HTTP figures through `coalmine serve` (in-memory stores): time to answer POST /api/analyses with Azure DevOps headers
// (the agentless task wants an answer at once), GET status latency, and a retrospective 2-judgement analysis end to end.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startServe } from "../src/cli/commands/serve";

const ROOT = join(__dirname, "..");

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export async function run(): Promise<void> {
  // A stand-in Azure DevOps that accepts every feed line and completion.
  const ado = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => ado.listen(0, "127.0.0.1", r));
  const adoOrigin = `http://127.0.0.1:${(ado.address() as AddressInfo).port}`;
  const app = await startServe({
    port: 0,
    host: "127.0.0.1",
    cwd: ROOT,
    storage: "memory",
    env: {
      COALMINE_METRICS_ACCOUNTS: "@test/fixtures/http/accounts.json",
      COALMINE_OUTBOUND_ALLOWLIST: adoOrigin,
    },
  });
  try {
    const request = readFileSync(join(ROOT, "test/fixtures/http/request.json"), "utf8");
    const live = JSON.parse(request) as Record<string, unknown>;
    delete live.startTime;
    live.stages = [{ name: "live", duration: "PT1H", interval: "PT30M" }];
    const headers = {
      "content-type": "application/json",
      PlanUrl: `${adoOrigin}/org/`,
      ProjectId: "p",
      HubName: "build",
      PlanId: "plan",
      JobId: "job",
      TimelineId: "tl",
      TaskInstanceId: "task",
      AuthToken: "token",
    };
    const startMs: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const res = await fetch(`${app.url}/api/analyses`, {
        method: "POST",
        headers,
        body: JSON.stringify(live),
      });
      const body = (await res.json()) as { id: string };
      startMs.push(performance.now() - t0);
      ids.push(body.id);
    }
    const getMs: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      await (await fetch(`${app.url}/api/analyses/${id}`)).text();
      getMs.push(performance.now() - t0);
    }
    for (const id of ids) await fetch(`${app.url}/api/analyses/${id}`, { method: "DELETE" });

    const t0 = performance.now();
    const res = await fetch(`${app.url}/api/analyses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: request,
    });
    const { id } = (await res.json()) as { id: string };
    let state = "";
    while (!["passed", "failed", "marginal", "error", "canceled"].includes(state)) {
      state = ((await (await fetch(`${app.url}/api/analyses/${id}`)).json()) as { state: string }).state;
    }
    const e2e = performance.now() - t0;

    console.log(
      `POST /api/analyses with Azure DevOps headers (live, 30 runs): median ${quantile(startMs, 0.5).toFixed(1)} ms, p95 ${quantile(startMs, 0.95).toFixed(1)} ms, max ${Math.max(...startMs).toFixed(1)} ms`,
    );
    console.log(
      `GET /api/analyses/{id} (30 runs): median ${quantile(getMs, 0.5).toFixed(1)} ms, p95 ${quantile(getMs, 0.95).toFixed(1)} ms`,
    );
    console.log(`retrospective analysis (2 judgements, 2 metrics) start → ${state}: ${e2e.toFixed(0)} ms`);
  } finally {
    await app.close();
    await new Promise<void>((r) => ado.close(() => r()));
  }
}
