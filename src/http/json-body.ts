// Request bodies: JSON parsing that reports where malformed JSON breaks, and schema checks with JSON paths.
import type { z } from "zod";
import type { ApiRequest } from "./api-types";
import { jsonErrorPosition } from "./json-error-position";
import { parseWithProblems } from "../config/problems";
import { jsonDepthProblem } from "../config/json-depth";
import { ProblemError, invalidBody, problem } from "./problem";

/** Default request body limit (bytes); a body over it is answered 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return { line, column };
}

/** Parses the raw body as JSON; malformed JSON → 400 naming the position, line and column. */
export function parseJsonBody(request: Pick<ApiRequest, "rawBody">): unknown {
  const text = request.rawBody;
  if (text.trim() === "") throw new ProblemError(problem(400, "The request body is empty; JSON expected"));
  const tooDeep = jsonDepthProblem(text);
  if (tooDeep !== undefined) throw new ProblemError(problem(400, `The request body is refused: ${tooDeep}`));
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = jsonErrorPosition(text);
    const where = position === undefined ? undefined : { position, ...lineColumn(text, position) };
    const detail = where
      ? `Malformed JSON at position ${where.position} (line ${where.line}, column ${where.column}): ${message}`
      : `Malformed JSON: ${message}`;
    throw new ProblemError(
      problem(400, detail, where ? { position: where.position, line: where.line, column: where.column } : {}),
      {
        cause: err,
      },
    );
  }
}

/** Parses and validates a JSON body; every schema issue is reported with its path. */
export function parseBody<S extends z.ZodType>(request: Pick<ApiRequest, "rawBody">, schema: S): z.infer<S> {
  const result = parseWithProblems(schema, parseJsonBody(request));
  if (!result.ok) throw invalidBody(result.problems);
  return result.value;
}
