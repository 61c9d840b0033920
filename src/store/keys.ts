// Table keys: which strings are safe as PartitionKey/RowKey and blob path segments, and the row keys we build.
import { InvalidKeyError } from "./errors";

/**
 * Applications, config names and analysis ids: letters, digits, `.`, `_`, `-`; 1–128 characters, not starting with
 * `.` or `-`. Table keys forbid `/ \ # ?` and control characters; blob paths use these as segments, so `/` is out too.
 */
export const STORE_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidStoreKey(value: string): boolean {
  return STORE_KEY_PATTERN.test(value);
}

export function assertStoreKey(kind: string, value: string): void {
  if (!isValidStoreKey(value))
    throw new InvalidKeyError(
      `${kind} ${JSON.stringify(value)} is not a valid key: use 1-128 letters, digits, '.', '_' or '-', not starting with '.' or '-'`,
    );
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Interval row key `s{stage:03}-i{interval:04}` (docs/stored-data.md), so rows sort in judgement order. */
export function intervalRowKey(stage: number, interval: number): string {
  if (!Number.isInteger(stage) || stage < 0 || stage > 999)
    throw new InvalidKeyError(`stage ${stage} is out of range 0-999`);
  if (!Number.isInteger(interval) || interval < 0 || interval > 9999)
    throw new InvalidKeyError(`interval ${interval} is out of range 0-9999`);
  return `s${pad(stage, 3)}-i${pad(interval, 4)}`;
}

/** Largest epoch millisecond we invert against (year 2286); 13 digits keep lexical = numeric order. */
const MAX_EPOCH_MS = 9_999_999_999_999;

/**
 * Newest-first row key: (MAX − createdAt ms) zero-padded to 13 digits, then `-{id}` to keep keys unique.
 * Table returns rows in ascending RowKey order, so ascending inverted time is newest first.
 */
export function newestFirstRowKey(createdAt: string, id: string): string {
  const ms = Date.parse(createdAt);
  if (Number.isNaN(ms)) throw new InvalidKeyError(`createdAt ${JSON.stringify(createdAt)} is not a date`);
  return `${pad(MAX_EPOCH_MS - ms, 13)}-${id}`;
}

/** Lowest newest-first row key of an analysis created strictly before `instant`. */
export function createdBeforeRowKey(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new InvalidKeyError(`createdBefore ${JSON.stringify(instant)} is not a date`);
  // Created at ms-1 or earlier ⇒ inverted time ≥ MAX-(ms-1); "-" sorts before digits, so `{inverted}-` is the floor.
  return `${pad(MAX_EPOCH_MS - (ms - 1), 13)}-`;
}

/**
 * Index partitions (docs/adr/0001-storage-keys.md):
 * - `id~{id}` / RK `application`: which application an analysis belongs to (getAnalysis without application);
 * - `app~{application}` and `all`, RK inverted createdAt + id: a copy of the record, listed newest first.
 */
export const indexKeys = {
  byId: (id: string) => ({ partitionKey: `id~${id}`, rowKey: "application" }),
  byApplication: (application: string) => `app~${application}`,
  all: "all",
};
