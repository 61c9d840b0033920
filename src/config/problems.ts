// Turns zod issues into ValidationProblems: JSON paths (`$.stages[0].interval`) and messages that suggest the key meant.
import type { z } from "zod";

/** One problem in a document: its JSON path (e.g. `$.stages[0].interval`) and what is wrong. */
export interface ValidationProblem {
  path: string;
  message: string;
}

export type PathSegment = string | number;

/**
 * The validation outcome every validator in src/config returns. `warnings` (Kayenta documents only, see
 * docs/configuration.md "Kayenta documents are lenient like Kayenta") never make a document invalid.
 */
export type ValidationResult<T> =
  | { ok: true; value: T; warnings?: ValidationProblem[] }
  | { ok: false; problems: ValidationProblem[]; warnings?: ValidationProblem[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["stages", 0, "interval"]` → `$.stages[0].interval`; keys that are not identifiers use `["…"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && IDENTIFIER.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Levenshtein edit distance (Wagner–Fischer dynamic programme, one row). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The known word closest to `word`: a case-insensitive match first, else the smallest edit distance
 * within max(2, ⌊length/3⌋) (case-insensitively, so `lookBackMins` still finds `lookbackMins`).
 */
export function closestMatch(word: string, known: readonly string[]): string | undefined {
  // Suggestions are for typos: a long word (or a long list) is not one, and the distance would cost too much.
  if (word.length > 100 || known.length > 500) return undefined;
  const lower = word.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k.length > 100) continue;
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

// --- walking a zod schema along a path, to learn the keys an object accepts -------------------

/** The parts of a zod schema's internals that the walkers here read. */
export interface SchemaNode {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaNode>;
      innerType?: SchemaNode;
      element?: SchemaNode;
      valueType?: SchemaNode;
      options?: SchemaNode[];
      discriminator?: string;
      in?: SchemaNode;
      getter?: () => SchemaNode;
    };
  };
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The schema behind wrappers, pipes, lazies and (by its discriminator) a union's option for `value`. */
export function unwrapSchema(schema: SchemaNode, value: unknown): SchemaNode {
  let s = schema;
  for (let guard = 0; guard < 20; guard++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else if (def.type === "lazy" && def.getter) s = def.getter();
    else if (def.type === "union" && def.options) {
      const picked = pickOption(def.options, def.discriminator, value);
      if (!picked) return s;
      s = picked;
    } else return s;
  }
  return s;
}

function literalValues(schema: SchemaNode): unknown[] {
  const def = schema._zod.def as { type: string; values?: unknown[]; innerType?: SchemaNode };
  if (def.type === "literal" && def.values) return def.values;
  if (WRAPPERS.has(def.type) && def.innerType) return literalValues(def.innerType);
  return [];
}

function pickOption(
  options: SchemaNode[],
  discriminator: string | undefined,
  value: unknown,
): SchemaNode | undefined {
  if (discriminator === undefined || typeof value !== "object" || value === null) return undefined;
  const tag = (value as Record<string, unknown>)[discriminator];
  return options.find((o) => {
    const field = o._zod.def.shape?.[discriminator];
    return field !== undefined && literalValues(field).includes(tag);
  });
}

function child(value: unknown, seg: PropertyKey): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as Record<PropertyKey, unknown>)[seg];
}

/** The keys the object schema at `path` accepts (undefined when the path leads to no object schema). */
export function knownKeysAt(
  root: z.ZodType,
  input: unknown,
  path: readonly PropertyKey[],
): string[] | undefined {
  let schema = unwrapSchema(root, input);
  let value = input;
  for (const seg of path) {
    const def = schema._zod.def;
    let next: SchemaNode | undefined;
    if (def.type === "object") next = typeof seg === "string" ? def.shape?.[seg] : undefined;
    else if (def.type === "array") next = def.element;
    else if (def.type === "record") next = def.valueType;
    if (!next) return undefined;
    value = child(value, seg);
    schema = unwrapSchema(next, value);
  }
  const shape = schema._zod.def.type === "object" ? schema._zod.def.shape : undefined;
  return shape ? Object.keys(shape) : undefined;
}

// --- messages ---------------------------------------------------------------------------------

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = input;
  for (const seg of path) {
    if (typeof value !== "object" || value === null || !(seg in value)) return { found: false, value };
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value };
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value;
}

const quoteList = (values: readonly unknown[]): string => values.map((v) => `'${String(v)}'`).join(", ");

function unknownKeyMessage(key: string, known: string[] | undefined): string {
  const suggestion = known ? closestMatch(key, known) : undefined;
  if (suggestion !== undefined) return `unknown key '${key}': did you mean '${suggestion}'?`;
  if (known && known.length > 0 && known.length <= 12)
    return `unknown key '${key}' (allowed: ${quoteList(known)})`;
  return `unknown key '${key}'`;
}

function choiceMessage(values: readonly unknown[], present: boolean, value: unknown): string {
  if (!present) return `is required: one of ${quoteList(values)}`;
  const strings = values.filter((v): v is string => typeof v === "string");
  const suggestion = typeof value === "string" ? closestMatch(value, strings) : undefined;
  const hint =
    suggestion !== undefined ? `: did you mean '${suggestion}'?` : ` (expected one of ${quoteList(values)})`;
  return `${describe(value)} is not allowed${hint}`;
}

/**
 * Every zod issue as ValidationProblems with JSON paths. Unknown keys give one problem each, at the
 * key's own path, suggesting the closest known key; a missing value says "is required".
 * `prefix` is prepended to every path (for documents nested in a larger body).
 */
export function problemsFromZod(
  error: z.ZodError,
  schema: z.ZodType,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    const full = [...prefix, ...path];
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, input, path);
        for (const key of issue.keys)
          out.push({ path: jsonPath([...full, key]), message: unknownKeyMessage(key, known) });
        break;
      }
      case "invalid_union": {
        const at = valueAt(input, path);
        const note: unknown = "note" in issue ? issue.note : undefined;
        if (note === "No matching discriminator" && "options" in issue && Array.isArray(issue.options))
          out.push({ path: jsonPath(full), message: choiceMessage(issue.options, at.found, at.value) });
        else out.push({ path: jsonPath(full), message: issue.message });
        break;
      }
      case "invalid_value": {
        const at = valueAt(input, path);
        out.push({ path: jsonPath(full), message: choiceMessage(issue.values, at.found, at.value) });
        break;
      }
      case "too_small":
      case "too_big": {
        const word = issue.code === "too_small" ? "at least" : "at most";
        const strict = issue.code === "too_small" ? "greater than" : "less than";
        const bound = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
        const inclusive = issue.inclusive !== false;
        let message = issue.message;
        if (issue.origin === "number") message = `must be ${inclusive ? word : strict} ${bound}`;
        else if (issue.origin === "array")
          message =
            bound === "1" && issue.code === "too_small"
              ? "must not be empty"
              : `must hold ${word} ${bound} items`;
        else if (issue.origin === "string")
          message =
            bound === "1" && issue.code === "too_small"
              ? "must not be empty"
              : `must be ${word} ${bound} characters`;
        out.push({ path: jsonPath(full), message });
        break;
      }
      case "invalid_type": {
        const at = valueAt(input, path);
        if (issue.expected === "never") {
          out.push({ path: jsonPath(full), message: issue.message });
          break;
        }
        out.push({
          path: jsonPath(full),
          message: at.found ? `must be ${article(issue.expected)}, not ${describe(at.value)}` : "is required",
        });
        break;
      }
      default:
        out.push({ path: jsonPath(full), message: issue.message });
    }
  }
  return out;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Parse with a zod schema and report problems with JSON paths. */
export function parseWithProblems<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): ValidationResult<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: problemsFromZod(parsed.error, schema, input, prefix) };
}
