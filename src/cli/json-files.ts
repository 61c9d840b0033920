// Reading a JSON input file for a CLI command: unreadable, empty or malformed files are usage errors (exit 64).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ValidationProblem } from "../config/problems";
import { jsonDepthProblem } from "../config/json-depth";
import { UsageError, type CliIo } from "./cli-io";

export function readJsonFile(io: Pick<CliIo, "cwd">, file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the ${what} file '${file}': ${(err as Error).message}`, { cause: err });
  }
  if (text.trim() === "") throw new UsageError(`${file}: the ${what} file is empty`);
  const tooDeep = jsonDepthProblem(text);
  if (tooDeep !== undefined) throw new UsageError(`${file}: the ${what} file is refused: ${tooDeep}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file}: the ${what} file is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Every problem of an input file, one `file: $.path: message` line each. */
export function problemsError(file: string, problems: readonly ValidationProblem[]): UsageError {
  return new UsageError(
    `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n` +
      problems.map((p) => `  ${file}: ${p.path}: ${p.message}`).join("\n"),
  );
}
