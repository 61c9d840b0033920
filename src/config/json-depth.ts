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

/**
 * `jsonDepth` of an already parsed JSON value, without recursion: the same figure as the text's (objects and
 * arrays each add a level). JSON.parse itself does not recurse, so a file can be parsed first and its depth
 * checked after; walking the parsed value is much quicker than scanning the text character by character, which
 * matters for files of metric values (docs/performance.md).
 */
export function jsonValueDepth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const values: object[] = [value];
  const depths: number[] = [1];
  let max = 0;
  while (values.length > 0) {
    const node = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > max) max = depth;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (typeof child === "object" && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return max;
}

/** `jsonDepthProblem` of an already parsed JSON value. */
export function jsonValueDepthProblem(value: unknown, limit: number = LIMITS.jsonDepth): string | undefined {
  const depth = jsonValueDepth(value);
  return depth > limit ? `the JSON is nested ${depth} levels deep; the limit is ${limit}` : undefined;
}
