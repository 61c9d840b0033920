// The nesting depth of a JSON text, found without recursion (so a hostile document cannot overflow the stack).
import { LIMITS } from "./limits";

/** The next bracket or quote outside a string, and the next quote or backslash inside one. */
const STRUCTURAL = /[{}[\]"]/g;
const STRING_STOP = /["\\]/g;

/**
 * Objects and arrays nested deepest in the text (strings skipped); counts brackets only, so it never recurses.
 * The regular expressions jump over everything else (numbers above all: a file of metric values is mostly
 * digits) in compiled code, several times quicker than a loop over every character in a one-shot process
 * (docs/performance.md).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  STRUCTURAL.lastIndex = 0;
  for (let m = STRUCTURAL.exec(text); m !== null; m = STRUCTURAL.exec(text)) {
    const c = text.charCodeAt(m.index);
    if (c === 0x22) {
      // A string: find its closing quote, skipping each backslash and the character it escapes.
      STRING_STOP.lastIndex = m.index + 1;
      let stop = STRING_STOP.exec(text);
      while (stop !== null && text.charCodeAt(stop.index) === 0x5c) {
        STRING_STOP.lastIndex = stop.index + 2;
        stop = STRING_STOP.exec(text);
      }
      if (stop === null) break; // unterminated: nothing after it counts
      STRUCTURAL.lastIndex = stop.index + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else depth--;
  }
  return max;
}

/** The problem with a JSON text nested deeper than the limit, else undefined. */
export function jsonDepthProblem(text: string, limit: number = LIMITS.jsonDepth): string | undefined {
  const depth = jsonDepth(text);
  return depth > limit ? `the JSON is nested ${depth} levels deep; the limit is ${limit}` : undefined;
}
