// The function key check of `coalmine serve` (in Azure the host checks keys): one key, in the header or one `code`
// query parameter, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether the request carries the key: exactly one `x-functions-key` header or exactly one `?code=` (several
 * values, e.g. `?code=wrong&code=right`, or a header and a code that differ, never pass). Digests of equal length
 * are compared with timingSafeEqual, so the time taken says nothing about the key.
 */
export function functionKeyMatches(
  expected: string,
  header: string | string[] | undefined,
  codes: readonly string[],
): boolean {
  const given = [...(header === undefined ? [] : Array.isArray(header) ? header : [header]), ...codes];
  if (given.length === 0) return false;
  const want = digest(expected);
  let ok = true;
  for (const value of given) ok = timingSafeEqual(digest(value), want) && ok;
  return ok && (given.length === 1 || given.every((v) => v === given[0])) && codes.length <= 1;
}
