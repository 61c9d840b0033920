// Which values of a metric set pair are new since the previous judgement, paired by instant.
import type { MetricSetPair, MetricSetPairScope } from "../types";

export interface TimedPair {
  /** Epoch ms of the pair (or a running index when the pair carries no scopes). */
  t: number;
  baseline: number;
  canary: number;
}

export interface SeriesCursor {
  /** Instant of the last ingested value (epoch ms), when the pairs carry scopes. */
  lastT?: number;
  /** Values already seen in the current window, when they do not. */
  seen?: number;
}

function startMillis(scope: MetricSetPairScope | undefined): number | undefined {
  if (!scope) return undefined;
  if (typeof scope.startTimeMillis === "number") return scope.startTimeMillis;
  if (typeof scope.startTimeIso === "string") {
    const ms = Date.parse(scope.startTimeIso);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

const toNumber = (v: unknown): number => (typeof v === "number" ? v : Number(v));

/**
 * Values are paired by position (both arms are queried over the same window and step, Kayenta's
 * MetricSetPair). With `scopes.control.startTimeMillis|startTimeIso` and `stepMillis` each position
 * has an instant and only instants after the cursor are new, so growing and sliding windows are
 * both read once. Without scopes a window that grew is read from where the last one ended, and a
 * window that did not grow is taken as new data (a new stage's window).
 */
export function newPairs(
  pair: MetricSetPair,
  cursor: SeriesCursor,
): { pairs: TimedPair[]; cursor: SeriesCursor } {
  const control = pair.values.control.map(toNumber);
  const experiment = pair.values.experiment.map(toNumber);
  const n = Math.max(control.length, experiment.length);
  const start = startMillis(pair.scopes?.control) ?? startMillis(pair.scopes?.experiment);
  const step = pair.scopes?.control?.stepMillis ?? pair.scopes?.experiment?.stepMillis;
  const at = (i: number): TimedPair => ({ t: i, baseline: control[i] ?? NaN, canary: experiment[i] ?? NaN });
  if (start !== undefined && step !== undefined && step > 0) {
    const out: TimedPair[] = [];
    let lastT = cursor.lastT;
    for (let i = 0; i < n; i++) {
      const t = start + i * step;
      if (cursor.lastT !== undefined && t <= cursor.lastT) continue;
      out.push({ ...at(i), t });
      lastT = lastT === undefined ? t : Math.max(lastT, t);
    }
    return { pairs: out, cursor: lastT === undefined ? {} : { lastT } };
  }
  const seen = cursor.seen ?? 0;
  const from = n > seen ? seen : 0;
  const out: TimedPair[] = [];
  for (let i = from; i < n; i++) out.push(at(i));
  return { pairs: out, cursor: { seen: n } };
}
