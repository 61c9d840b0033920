// JSON as Kayenta (Jackson) writes it: non-finite doubles become the strings "NaN", "Infinity", "-Infinity".

/** JSON.stringify replacer keeping NaN and ±Infinity as Jackson's strings instead of `null`. */
export function kayentaNumberReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    if (Number.isNaN(value)) return "NaN";
    return value > 0 ? "Infinity" : "-Infinity";
  }
  return value;
}

/** `JSON.stringify` with Kayenta's non-finite numbers (e.g. a judge result whose `ratio` is NaN). */
export function toKayentaJson(value: unknown, space?: number): string {
  // A replacer costs a call per value; without one, non-finite numbers come out as null, so only output
  // holding a null (a real one or a non-finite number) needs the second, replacing pass.
  const plain = JSON.stringify(value, undefined, space);
  return plain === undefined || !plain.includes("null")
    ? plain
    : JSON.stringify(value, kayentaNumberReplacer, space);
}

/** A number or one of Jackson's non-finite strings, as a number. */
export function fromJsonNumber(value: number | "NaN" | "Infinity" | "-Infinity"): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  return value === "Infinity" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** Keys whose values are text even when they read "NaN" (a metric or scope named so). */
const TEXT_KEYS: ReadonlySet<string> = new Set(["name", "metric", "scope", "location", "query", "id"]);

const nonFinite = (value: string): number | undefined =>
  value === "NaN"
    ? Number.NaN
    : value === "Infinity"
      ? Number.POSITIVE_INFINITY
      : value === "-Infinity"
        ? Number.NEGATIVE_INFINITY
        : undefined;

/**
 * The one JSON.parse reviver for Kayenta JSON (metric set pairs, judge results, judge state): Jackson's
 * non-finite strings become numbers again wherever a number may stand, but text stays text: the values of
 * `tags` maps and of name-like keys (`name`, `metric`, `scope`, …) are never converted.
 */
export function kayentaNumberReviver(key: string, value: unknown): unknown {
  if (typeof value === "string") return TEXT_KEYS.has(key) ? value : (nonFinite(value) ?? value);
  if (key === "tags" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    // Tag values were revived before their map (bottom-up): any number among them was text.
    const tags = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(tags)) if (typeof v === "number") tags[k] = String(v);
  }
  return value;
}

/** Parses Kayenta JSON (judge results, metric set pairs) with non-finite numbers restored. */
export function fromKayentaJson<T = unknown>(text: string): T {
  return JSON.parse(text, mayHoldNonFinite(text) ? kayentaNumberReviver : undefined) as T;
}

/** False when the text holds none of Jackson's non-finite strings, so a reviver would change nothing. */
export function mayHoldNonFinite(text: string): boolean {
  return text.includes('"NaN"') || text.includes('Infinity"');
}
