// infra/pipelines/coalmine-analysis.sh (the any-CI script) against a real `coalmine serve`: start, poll, exit code,
// and through a small proxy that injects the blips of a scale-out (503 pages, 429, connection resets, HTML 200s).
import { execFile } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, ROOT, serve } from "./http-serve-helpers";

const run = promisify(execFile);
const script = join(ROOT, "infra", "pipelines", "coalmine-analysis.sh");

type Fault = "reset" | "503-html" | "429" | "502" | "200-html";

/** A proxy to `target` that answers the next requests of each kind (start / poll) with the scripted faults. */
async function faultyProxy(
  target: string,
  faults: { start?: Fault[]; poll?: Fault[]; always?: Fault },
): Promise<{ url: string; served: string[]; close(): Promise<void> }> {
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const kind = req.method === "POST" ? "start" : "poll";
    const fault = faults.always ?? faults[kind]?.shift();
    if (fault) served.push(`${kind}:${fault}`);
    switch (fault) {
      case "reset":
        req.socket.destroy();
        return;
      case "503-html":
        res
          .writeHead(503, { "content-type": "text/html" })
          .end("<html><body>Service Unavailable</body></html>");
        return;
      case "429":
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end("{}");
        return;
      case "502":
        res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>");
        return;
      case "200-html":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>scaling out</html>");
        return;
    }
    const upstream = httpRequest(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function runScript(
  request: unknown,
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const file = join(mkdtempSync(join(tmpdir(), "coalmine-script-")), "request.json");
  writeFileSync(file, JSON.stringify(request));
  try {
    const { stdout, stderr } = await run("bash", [script, file], {
      env: { ...process.env, COALMINE_POLL_SECONDS: "0.2", COALMINE_RETRY_SECONDS: "0.1", ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: err.stdout ?? "", err: err.stderr ?? "" };
  }
}

describe("coalmine-analysis.sh", () => {
  let server: RunningServe;
  beforeAll(async () => {
    server = await serve({ COALMINE_FUNCTION_KEY: "k3y" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("starts an analysis, waits for the verdict and exits 0 on a pass", async () => {
    const r = await runScript(baseRequest(), { COALMINE_URL: server.url, COALMINE_KEY: "k3y" });
    expect(r.err).toMatch(/analysis \S+ started/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ state: "passed", verdict: "pass" });
  });

  it("exits 64 with the server's problem when the request is invalid (as `coalmine run` does)", async () => {
    const bad = { ...baseRequest(), stagez: [] };
    const r = await runScript(bad, { COALMINE_URL: server.url, COALMINE_KEY: "k3y" });
    expect(r.code).toBe(64);
    expect(r.err).toContain("HTTP 400");
    expect(r.err).toContain("stagez");
  });

  it("is refused without the key: exit 3 naming the host key", async () => {
    const r = await runScript(baseRequest(), { COALMINE_URL: server.url });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/HTTP 401 while starting: the key was refused\. Set COALMINE_KEY to a host key/);
  });

  it("exits 3 on a 404: a wrong COALMINE_URL is not retried", async () => {
    const r = await runScript(baseRequest(), {
      COALMINE_URL: `${server.url}/nothing-here`,
      COALMINE_KEY: "k3y",
    });
    expect(r.code).toBe(3);
    expect(r.err).toContain("HTTP 404 while starting: no Coalmine API at");
  });

  it("survives a connection reset and a 503 page while starting, and 429/reset/502/HTML while polling: exit 0 with the verdict", async () => {
    const proxy = await faultyProxy(server.url, {
      start: ["reset", "503-html"],
      poll: ["429", "reset", "502", "200-html"],
    });
    try {
      const r = await runScript(baseRequest(), { COALMINE_URL: proxy.url, COALMINE_KEY: "k3y" });
      expect(proxy.served).toEqual([
        "start:reset",
        "start:503-html",
        "poll:429",
        "poll:reset",
        "poll:502",
        "poll:200-html",
      ]);
      expect(r.err).toContain("network error while starting");
      expect(r.err).toContain("HTTP 503 while starting; retrying");
      expect(r.err).toContain("HTTP 429 while polling; retrying in 1s"); // Retry-After honoured
      expect(r.err).toContain("HTTP 200 without JSON while polling");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ state: "passed", verdict: "pass" });
      // Exactly one analysis was started for this run (the reset came before the request reached the server).
      const id = JSON.parse(r.out).id as string;
      expect(r.err.match(/analysis \S+ started/g)).toEqual([`analysis ${id} started`]);
    } finally {
      await proxy.close();
    }
  });

  it("still exits 1 on a failing verdict reached through blips", async () => {
    const proxy = await faultyProxy(server.url, { poll: ["503-html", "reset"] });
    const failing = baseRequest();
    failing.scopes.default.canary.scope = "checkout-canary-regressed";
    failing.thresholds = { pass: 99, marginal: 98 };
    try {
      const r = await runScript(failing, { COALMINE_URL: proxy.url, COALMINE_KEY: "k3y" });
      expect(proxy.served).toEqual(["poll:503-html", "poll:reset"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({ state: "failed", verdict: "fail" });
    } finally {
      await proxy.close();
    }
  });

  it("gives up with exit 3 when the blips outlast the timeout", async () => {
    const proxy = await faultyProxy(server.url, { always: "503-html" });
    try {
      const r = await runScript(baseRequest(), {
        COALMINE_URL: proxy.url,
        COALMINE_KEY: "k3y",
        COALMINE_TIMEOUT_SECONDS: "2",
      });
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/gave up after 2s: HTTP 503 while starting/);
    } finally {
      await proxy.close();
    }
  });

  it("exits 64 without a request file", async () => {
    const r = await run("bash", [script]).catch((e: { code: number }) => e);
    expect((r as { code: number }).code).toBe(64);
  });
});
