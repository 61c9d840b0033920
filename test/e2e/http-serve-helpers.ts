// Shared by the HTTP e2e tests: `coalmine serve` in-process on port 0 with recorded metrics, and a polling client.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServe, type RunningServe } from "../../src/cli/commands/serve";

export const ROOT = join(__dirname, "..", "..");
export const baseRequest = (): Record<string, any> =>
  JSON.parse(readFileSync(join(ROOT, "test/fixtures/http/request.json"), "utf8"));

export async function serve(env: Record<string, string> = {}, lines: string[] = []): Promise<RunningServe> {
  return startServe({
    port: 0,
    host: "127.0.0.1",
    cwd: ROOT,
    storage: "memory",
    env: { COALMINE_METRICS_ACCOUNTS: "@test/fixtures/http/accounts.json", ...env },
    log: (line) => lines.push(line),
  });
}

export interface Answer {
  status: number;
  contentType: string;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  return {
    status: res.status,
    contentType,
    headers: res.headers,
    text,
    body: contentType.includes("json") && text ? JSON.parse(text) : text,
  };
}

const TERMINAL = ["passed", "marginal", "failed", "error", "canceled"];

/** Polls the status until `until` holds (default: terminal); gives up after `attempts` polls. */
export async function poll(
  base: string,
  id: string,
  until: (status: any) => boolean = (s) => TERMINAL.includes(s.state),
  attempts = 300,
): Promise<any> {
  let last: any;
  for (let i = 0; i < attempts; i++) {
    const r = await call(base, "GET", `/api/analyses/${id}`);
    last = r.body;
    if (r.status === 200 && until(r.body)) return r.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`analysis ${id} did not reach the awaited state; last: ${JSON.stringify(last)}`);
}
