// The MetricSource port: one metric's query for one scope and window → metric sets (tags, timestamps, values).
import type { CanaryConfig, MetricConfig } from "../../config/canary-config.schema";

export interface MetricScope {
  scope: string;
  location?: string;
  extendedScopeParams?: Record<string, string>;
}

export interface MetricWindow {
  /** ISO 8601 instants. */
  start: string;
  end: string;
  stepSeconds: number;
}

export interface MetricSet {
  name: string;
  tags: Record<string, string>;
  /** Epoch milliseconds, one per value. */
  timestamps: number[];
  /** NaN for missing / NaN samples; ±Infinity kept. */
  values: number[];
}

export interface MetricFetchRequest {
  config: CanaryConfig;
  metric: MetricConfig;
  scope: MetricScope;
  window: MetricWindow;
}

export interface MetricFetchResult {
  /** The final query text sent to the source (for debugging and reports). */
  query: string;
  sets: MetricSet[];
}

export interface MetricSource {
  /** The final query, without sending it (`coalmine fetch --dry-run`). */
  buildQuery(request: MetricFetchRequest): string;
  fetch(request: MetricFetchRequest): Promise<MetricFetchResult>;
}

/**
 * Whether an error from a source (or from finding one) is permanent: retrying cannot fix it (a bad query,
 * 401/403, an unusable account). Such errors carry `transient: false` (src/metrics/metric-source-error.ts,
 * src/metrics/accounts.ts); anything else is treated as transient and left to the retry policy.
 */
export function isPermanentSourceError(err: unknown): err is Error & { transient: false } {
  return err instanceof Error && (err as { transient?: unknown }).transient === false;
}
