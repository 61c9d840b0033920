// The nesting depth of a JSON text, found without recursion (so a hostile document cannot overflow the stack).
import { LIMITS } from "./limits";

/** Objects and arrays nested deepest in the text (strings skipped); counts brackets only, so it never recurses. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The problem with a JSON text nested deeper than the limit, else undefined. */
export function jsonDepthProblem(text: string, limit: number = LIMITS.jsonDepth): string | undefined {
  const depth = jsonDepth(text);
  return depth > limit ? `the JSON is nested ${depth} levels deep; the limit is ${limit}` : undefined;
}
