// `coalmine serve [--port 7071] [--host 127.0.0.1]`: the HTTP API on the local runtime (wall clock), same routes as Azure.
import type { Server } from "node:http";
import type { HttpDeps } from "../../http/http-deps";
import { createApiServer, listen } from "../../http/node-server";
import { Router } from "../../http/router";
import { ROUTES } from "../../http/routes";
import { createLocalApp, localHttpDeps, type LocalApp, type LocalAppOptions } from "../../app/local";
import { errorLine } from "../../error-text";
import { UsageError, type CliCommand } from "../cli-io";

export interface ServeOptions {
  port: number;
  host: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** A key clients must send (x-functions-key or ?code=); default COALMINE_FUNCTION_KEY, else none. */
  functionKey?: string;
  /** Storage override ("memory" in tests); default COALMINE_STORAGE, else in-process Azurite. */
  storage?: string;
  overrides?: LocalAppOptions["overrides"];
  log?: (line: string) => void;
}

export interface RunningServe {
  url: string;
  app: LocalApp;
  deps: HttpDeps;
  server: Server;
  close(): Promise<void>;
}

/** Starts the app and the server; resolves once it listens (port 0 = any free port). */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const log = options.log ?? (() => {});
  const app = await createLocalApp({
    env: options.env,
    cwd: options.cwd,
    clock: "wall",
    persistInstances: true,
    // Azure DevOps tokens are sealed even locally; without a configured key they live as long as this process.
    processSecretKey: true,
    log,
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const logError = (message: string, error: unknown): void =>
    log(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const deps = localHttpDeps(app, logError);
  const functionKey = options.functionKey ?? app.settings.functionKey;
  const server = createApiServer({
    router: new Router(ROUTES, { logError }),
    deps,
    logError,
    ...(functionKey ? { functionKey } : {}),
    baseUrl: app.settings.linkBase,
  });
  let url: string;
  try {
    // Every unfinished analysis of an earlier process goes on (docs/adr/0008-restart-safe-serve.md).
    // Storage that refuses us (wrong key…) is reported here and answered 503 per request; serve still starts.
    const resumed = await app.runtime.resume().catch((err: unknown) => {
      log(`could not resume unfinished analyses: ${errorLine(err)}`);
      return [];
    });
    if (resumed.length > 0) log(`resumed ${resumed.length} unfinished analysis instance(s)`);
    url = await listen(server, options.port, options.host);
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    url,
    app,
    deps,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

function parseArgs(args: string[]): { port: number; host: string; functionKey?: string } {
  let port = 7071;
  let host = "127.0.0.1";
  let functionKey: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=")
      ? (arg.split(/=(.*)/s, 2) as [string, string])
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port") {
      const v = value();
      port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0-65535, not '${v}'`);
    } else if (flag === "--host") host = value();
    else if (flag === "--function-key") functionKey = value();
    else
      throw new UsageError(
        `unknown option '${arg}' (serve [--port 7071] [--host 127.0.0.1] [--function-key KEY])`,
      );
  }
  return functionKey === undefined ? { port, host } : { port, host, functionKey };
}

export const command: CliCommand = async (args, io) => {
  const parsed = parseArgs(args);
  const running = await startServe({
    ...parsed,
    env: io.env,
    cwd: io.cwd,
    log: (line) => io.stderr(`${line}\n`),
  });
  io.stderr(`coalmine serve: storage ${running.app.storage}\n`);
  if (running.app.ephemeral)
    io.stderr(
      "coalmine serve: this storage keeps nothing when the process ends: analyses, configs and running instances are lost on a restart; set COALMINE_STORAGE to a storage account or a separately started Azurite to keep them\n",
    );
  io.stdout(`${running.url}/api/\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await running.close();
  return 0;
};
