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
  return JSON.stringify(value, kayentaNumberReplacer, space);
}

/** A number or one of Jackson's non-finite strings, as a number. */
export function fromJsonNumber(value: number | "NaN" | "Infinity" | "-Infinity"): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  return value === "Infinity" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
