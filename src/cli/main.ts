// The `coalmine` command: dispatches to one module per sub-command under ./commands.
import { ExitCode, UsageError, processIo, type CliCommand, type CliIo } from "./cli-io";

// The build writes each command bundle's code cache through the built dispatcher (scripts/build.ts).
export { writeCodeCache } from "./code-cache";

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: CliCommand }> }> = {
  validate: {
    summary: "validate <config.json>            check a canary config or request",
    load: () => import("./commands/validate"),
  },
  judge: {
    summary: "judge --config <cfg> --pairs <p>  judge metric set pairs",
    load: () => import("./commands/judge"),
  },
  fetch: {
    summary: "fetch <request.json> [--metric N] [--dry-run]  show queries and fetched pairs",
    load: () => import("./commands/fetch"),
  },
  run: {
    summary: "run <request.json> [--report out.html] [--json]  full analysis on the local runtime",
    load: () => import("./commands/run"),
  },
  serve: {
    summary: "serve [--port 7071]               the HTTP API on the local runtime",
    load: () => import("./commands/serve"),
  },
  demo: {
    summary: "demo                              a two-stage canary on bundled metrics",
    load: () => import("./commands/demo"),
  },
  purge: {
    summary: "purge [--older-than P30D]         delete old analyses, blobs and history",
    load: () => import("./commands/purge"),
  },
};

export function usage(): string {
  return [
    "usage: coalmine <command> [options]",
    "",
    ...Object.values(COMMANDS).map((c) => `  coalmine ${c.summary}`),
    "",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name ? ExitCode.pass : ExitCode.usage;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`coalmine: unknown command '${name}'\n${usage()}`);
    return ExitCode.usage;
  }
  try {
    const { command } = await entry.load();
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`coalmine ${name}: ${err.message}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
}
