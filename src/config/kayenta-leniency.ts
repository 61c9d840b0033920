// Kayenta documents are read as Kayenta's Jackson reads them: scalar coercions, ignored keys as warnings, near-miss typos as errors.
import type { z } from "zod";
import {
  closestMatch,
  jsonPath,
  knownKeysAt,
  unwrapSchema,
  type PathSegment,
  type SchemaNode,
  type ValidationProblem,
} from "./problems";

type Path = readonly PathSegment[];

/**
 * Keys that Kayenta's model does not have but that real documents carry, with why they are there.
 * Each is matched on the tail of the path of the object holding it (see docs/configuration.md).
 */
const KNOWN_IGNORED: { key: string; at: (path: Path) => boolean; why: string }[] = [
  {
    key: "scopeName",
    at: (p) => tail(p, 3, (s) => s[0] === "metrics" && typeof s[1] === "number" && s[2] === "query"),
    why: "Deck writes it into queries; Kayenta ignores it (the metric's own scopeName picks the scope)",
  },
  {
    key: "id",
    at: (p) => tail(p, 2, (s) => s[0] === "metrics" && typeof s[1] === "number"),
    why: "Deck's id for a metric row; Kayenta ignores it",
  },
  {
    key: "isNew",
    at: (p) =>
      p.length === 0 ||
      tail(p, 1, (s) => s[0] === "canaryConfig") ||
      tail(p, 2, (s) => s[0] === "metrics" && typeof s[1] === "number"),
    why: "Deck's editor flag; Kayenta ignores it",
  },
];

function tail(path: Path, n: number, test: (segments: Path) => boolean): boolean {
  return path.length >= n && test(path.slice(path.length - n));
}

/**
 * Subtrees Kayenta keeps as raw maps (`Map<String, Object>`), so Jackson coerces nothing there: the
 * judge casts `analysisConfigurations` values itself (a string "true" fails the judgement in Kayenta,
 * and stays an error here), and `siteLocal` / `judgeConfigurations` are opaque.
 */
const RAW_MAPS = new Set(["analysisConfigurations", "judgeConfigurations", "siteLocal"]);

export interface LeniencyOptions {
  /** Only paths this accepts are lenient (a native request is strict except inside its `canaryConfig`). */
  within?: (path: Path) => boolean;
}

export interface Relaxed {
  /** A coerced copy with the ignored keys removed: parse this strictly. */
  value: unknown;
  warnings: ValidationProblem[];
  /** The schema's output for `value`, when its last strict parse here succeeded (no need to parse it again). */
  parsed?: { data: unknown };
}

const numberText = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Jackson's default scalar coercions, as Kayenta's ObjectMapper leaves them on (ALLOW_COERCION_OF_SCALARS,
 * ACCEPT_FLOAT_AS_INT): a number or boolean where a string is expected becomes its text (`"configVersion":
 * 1.0` → "1"); a numeric string where a number is expected becomes the number (`"pass": "95"`); an
 * empty string there means absent; `"true"`/`"false"` become booleans; a fraction where an integer is
 * expected is truncated (with a warning, as it loses data); a number where an instant is expected is
 * epoch seconds (Jackson's InstantDeserializer). `null` for an optional field means absent (Java).
 */
interface CoercionContext {
  warnings: ValidationProblem[];
  within: (path: Path) => boolean;
  prefix: Path;
}

function coerce(schema: SchemaNode, value: unknown, path: PathSegment[], ctx: CoercionContext): unknown {
  const s = unwrapSchema(schema, value);
  const def = s._zod.def;
  const lenient = ctx.within(path);
  const format = (s as unknown as { format?: string | null }).format ?? undefined;
  switch (def.type) {
    case "string":
      if (!lenient) return value;
      if (typeof value === "number" && format === "datetime" && Number.isFinite(value))
        return new Date(value * 1000).toISOString();
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return value;
    case "number": {
      if (!lenient) return value;
      let n = value;
      if (typeof value === "string") {
        const text = value.trim();
        if (text === "") return null;
        if (!numberText.test(text)) return value;
        n = Number(text);
      }
      if (typeof n === "number" && format === "safeint" && Number.isFinite(n) && !Number.isInteger(n)) {
        ctx.warnings.push({
          path: jsonPath([...ctx.prefix, ...path]),
          message: `${String(value)} is read as ${Math.trunc(n)} (Kayenta truncates a fraction where it expects a whole number)`,
        });
        return Math.trunc(n);
      }
      return n;
    }
    case "boolean":
      if (lenient && typeof value === "string" && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === "true";
      return value;
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const obj = value as Record<string, unknown>;
      for (const [key, v] of Object.entries(obj)) {
        const field = def.shape?.[key];
        if (!field) continue;
        const at = [...path, key];
        if (v === null && lenient && !(field as unknown as z.ZodType).safeParse(null).success) {
          delete obj[key];
          continue;
        }
        if (RAW_MAPS.has(key)) continue;
        obj[key] = coerce(field, v, at, ctx);
      }
      return obj;
    }
    case "array":
      if (!Array.isArray(value) || !def.element) return value;
      return value.map((v, i) => coerce(def.element as SchemaNode, v, [...path, i], ctx));
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value) || !def.valueType) return value;
      const obj = value as Record<string, unknown>;
      for (const [key, v] of Object.entries(obj)) obj[key] = coerce(def.valueType, v, [...path, key], ctx);
      return obj;
    }
    default:
      return value;
  }
}

function deleteKey(root: unknown, path: readonly PropertyKey[], key: string): boolean {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  if (typeof node !== "object" || node === null || Array.isArray(node)) return false;
  delete (node as Record<string, unknown>)[key];
  return true;
}

/**
 * Reads a Kayenta document as Kayenta does before the strict parse: coerces scalars, then drops every
 * unknown key that Kayenta would silently ignore and says so in a warning, except a key within a few
 * edits of a known one (`directon`, `lookBackMins`), which is left for the strict parse to report as
 * an error with its did-you-mean. `prefix` is prepended to warning paths.
 */
export function relaxLikeKayenta(
  schema: z.ZodType,
  input: unknown,
  prefix: Path = [],
  opts: LeniencyOptions = {},
): Relaxed {
  const within = opts.within ?? (() => true);
  const warnings: ValidationProblem[] = [];
  if (typeof input !== "object" || input === null) return { value: input, warnings };
  const copy = coerce(schema, JSON.parse(JSON.stringify(input)) as unknown, [], {
    warnings,
    within,
    prefix,
  });
  for (let round = 0; round < 8; round++) {
    const parsed = schema.safeParse(copy);
    if (parsed.success) return { value: copy, warnings, parsed: { data: parsed.data } };
    let changed = false;
    for (const issue of parsed.error.issues) {
      if (issue.code !== "unrecognized_keys" || !within(issue.path as PathSegment[])) continue;
      const path = issue.path as PathSegment[];
      const known = knownKeysAt(schema, copy, path);
      for (const key of issue.keys) {
        const ignored = KNOWN_IGNORED.find((k) => k.key === key && k.at(path));
        let message: string;
        if (ignored) message = `'${key}' is ignored: ${ignored.why}`;
        else if (known && closestMatch(key, known) !== undefined) continue;
        else message = `unknown key '${key}' is ignored (as Kayenta ignores unknown keys)`;
        if (!deleteKey(copy, path, key)) continue;
        warnings.push({ path: jsonPath([...prefix, ...path, key]), message });
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { value: copy, warnings };
}
