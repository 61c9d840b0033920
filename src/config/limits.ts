// Limits every request and config is held to at the door (docs/configuration.md "Limits"). They keep each stored
// row inside Azure Table Storage's 64 KB per property and 1 MB per entity, each blob and status small, and every
// analysis finite; a document over one is a 400 naming the path, never an analysis that fails later.
import { z } from "zod";

export const LIMITS = {
  /** Stages in one analysis. */
  stages: 20,
  /** Judgements (intervals) over all stages of one analysis. */
  judgements: 5000,
  /** Warm-ups plus stage durations of one analysis, and any single duration (ms): 31 days. */
  totalDurationMs: 31 * 24 * 3600_000,
  /** onMarginal.timeout, and a manual gate's timeout (ms): 7 days. */
  decisionTimeoutMs: 7 * 24 * 3600_000,
  /** ingestionLag (ms): 6 hours. */
  ingestionLagMs: 6 * 3600_000,
  /** A scope's offset into the past (ms): 90 days. */
  offsetMs: 90 * 24 * 3600_000,
  /** Metrics in one canary config: their names fill an interval row's failedMetrics (≤ 100 × 200 characters, ~40 KB UTF-16). */
  metrics: 100,
  /** Names: metric, stage, group, scope, template, judge, account, parameter keys. */
  nameLength: 200,
  /** One query or template text. */
  queryLength: 16 * 1024,
  /** Other free texts (descriptions, locations, scope values, metadata values). */
  textLength: 1024,
  /** Entries of a map (scopes, templates, metadata, extendedScopeParams, group weights). */
  mapEntries: 50,
  /** Items of a list (groups, label bindings, applications, webhooks). */
  listItems: 50,
  /** URLs (hooks). */
  urlLength: 2048,
  /** Nesting of a JSON document (objects and arrays). */
  jsonDepth: 64,
} as const;

// --- schema pieces that carry the limits ------------------------------------------------------

/** A name (metric, stage, scope, group, template, judge, account). */
export const nameString = () => z.string().min(1).max(LIMITS.nameLength);
/** A free text of ordinary length. */
export const textString = () => z.string().max(LIMITS.textLength);
/** A query or template. */
export const queryString = () => z.string().max(LIMITS.queryLength);

/** A map with bounded keys and a bounded number of entries. */
export const boundedRecord = <V extends z.ZodType>(value: V) =>
  z
    .record(
      z
        .string()
        .max(LIMITS.nameLength)
        .refine((k) => k !== "__proto__", { error: "'__proto__' cannot be a key" }),
      value,
    )
    .refine((o) => Object.keys(o).length <= LIMITS.mapEntries, {
      error: `has more than ${LIMITS.mapEntries} entries`,
    });

/** A list of at most `max` items. */
export const boundedArray = <V extends z.ZodType>(item: V, max: number = LIMITS.listItems) =>
  z.array(item).max(max);

/** An http(s) URL a hook is sent to (the outbound guard checks the rest at the door and on every request). */
export const HookUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(LIMITS.urlLength);

/** A path relative to its account's directory that cannot leave it (no `..`, no absolute or drive path). */
export const RelativePathSchema = z
  .string()
  .min(1)
  .max(LIMITS.textLength)
  .refine(
    (p) =>
      !/^[\\/]/.test(p) &&
      !/^[A-Za-z]:/.test(p) &&
      !p.includes("\0") &&
      !p.split(/[\\/]/).some((seg) => seg === ".."),
    { error: "must be a path inside the account's directory (relative, without '..')" },
  );
