// Retention: purge analyses created before a cut-off with their interval rows, blobs and Durable instance history.
import { TERMINAL_STATES } from "../analysis/analysis-status";
import { parseIsoDuration } from "../config/duration";
import {
  artifactPaths,
  type AnalysisRecord,
  type AnalysisStore,
  type ArtifactStore,
} from "../analysis/ports/store";
import { StoreError } from "./errors";

/** How long analyses are kept when no setting says otherwise (`COALMINE_RETENTION`). */
export const DEFAULT_RETENTION = "P30D";

export interface PurgeOptions {
  /** Analyses created strictly before this instant are purged. */
  olderThan: Date;
  stores: { analyses: AnalysisStore; artifacts: ArtifactStore };
  /** Deletes the orchestration history of an instance (OrchestrationClient.purge); absent history is fine. */
  purgeHistory: (id: string) => Promise<void>;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Also purge analyses that are not in a terminal state (default false: they are counted as skipped). */
  includeActive?: boolean;
  /** Analyses listed per page (default 100). */
  pageSize?: number;
}

export interface PurgeFailure {
  id: string;
  application: string;
  error: Error;
}

export interface PurgeResult {
  analyses: number;
  intervals: number;
  blobs: number;
  histories: number;
  /** Old analyses left alone because they are still active. */
  skippedActive: number;
  failures: PurgeFailure[];
  dryRun: boolean;
}

/** The cut-off for a retention period given as an ISO 8601 duration (e.g. P30D) before `now`. */
export function retentionCutoff(now: Date, retention: string): Date {
  const ms = parseIsoDuration(retention);
  if (ms === undefined || ms <= 0)
    throw new StoreError(
      `retention ${JSON.stringify(retention)} must be a positive ISO 8601 duration such as P30D`,
    );
  return new Date(now.getTime() - ms);
}

async function purgeOne(record: AnalysisRecord, options: PurgeOptions, result: PurgeResult): Promise<void> {
  const { analyses, artifacts } = options.stores;
  const intervals = await analyses.listIntervals(record.id);
  const prefix = artifactPaths.analysisPrefix(record.id);
  if (options.dryRun) {
    result.intervals += intervals.length;
    result.blobs += (await artifacts.list(prefix)).length;
    result.histories += 1;
    result.analyses += 1;
    return;
  }
  // History and blobs first, the rows last: the rows are how a re-run finds what is left after a failure.
  await options.purgeHistory(record.id);
  result.histories += 1;
  result.blobs += await artifacts.deletePrefix(prefix);
  await analyses.deleteAnalysis(record.application, record.id);
  result.intervals += intervals.length;
  result.analyses += 1;
}

/**
 * Purges every analysis created before `olderThan`. One analysis failing does not stop the others: failures are
 * returned (with their cause) and the caller decides the exit status. Storage errors while listing are thrown.
 */
export async function purgeAnalyses(options: PurgeOptions): Promise<PurgeResult> {
  const result: PurgeResult = {
    analyses: 0,
    intervals: 0,
    blobs: 0,
    histories: 0,
    skippedActive: 0,
    failures: [],
    dryRun: options.dryRun ?? false,
  };
  const createdBefore = options.olderThan.toISOString();
  let continuationToken: string | undefined;
  do {
    const page = await options.stores.analyses.listAnalyses({
      createdBefore,
      limit: options.pageSize ?? 100,
      ...(continuationToken !== undefined ? { continuationToken } : {}),
    });
    for (const record of page.items) {
      if (!options.includeActive && !TERMINAL_STATES.includes(record.state)) {
        result.skippedActive += 1;
        continue;
      }
      try {
        await purgeOne(record, options, result);
      } catch (error) {
        result.failures.push({
          id: record.id,
          application: record.application,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return result;
}
