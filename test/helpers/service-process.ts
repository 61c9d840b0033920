// Shared plumbing for the real services tests start (InfluxDB, graphite-web): free loopback ports, the CI rule for a missing binary, readiness polling, stopping.
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (the OS picks it; closed again before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether to run a service's tests: true when it can run; otherwise prints why and returns false,
 * except with CI=true where a missing service is a failure (throws).
 */
export function serviceTestsEnabled(service: string, reason: string | undefined, install: string): boolean {
  if (reason === undefined) return true;
  if (process.env["CI"] === "true")
    throw new Error(`${service} tests cannot run in CI: ${reason} (install the Debian packages: ${install})`);
  console.warn(`skipping the ${service} tests: ${reason} (apt-get install ${install})`);
  return false;
}

/** Keep the last few KiB of a child's output for error messages. */
export function tail(child: ChildProcess): () => string {
  let log = "";
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => log;
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Poll `ready()` every 100 ms until it is true; fails when the child exits or after `timeoutMs`. */
export async function waitUntilReady(
  name: string,
  child: ChildProcess,
  ready: () => Promise<boolean>,
  log: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${log()}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
