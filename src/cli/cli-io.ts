// What a CLI command gets: its arguments, output streams and environment (injected so tests can capture them).
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Wall time (default the system clock; tests fix it). */
  clock?: () => Date;
}

/** The command's clock. */
export const clockOf = (io: CliIo): (() => Date) => io.clock ?? (() => new Date());

/** Exit codes of the `coalmine` command (docs/cli.md). */
export const ExitCode = { pass: 0, fail: 1, marginal: 2, error: 3, usage: 64 } as const;

/** A usage or input problem: printed to stderr, exit 64. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});
