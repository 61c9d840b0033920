// Storage ports: analysis records and interval rows (Table), bulk JSON artifacts (Blob), canary configs.
import type { AnalysisState, Verdict } from "../analysis-status";
import type { CanaryConfig } from "../../config/canary-config.schema";
import type { MetricClassificationLabel, SummaryClassification } from "../../judge/types";

export interface AnalysisRecord {
  id: string;
  application: string;
  state: AnalysisState;
  judge: string;
  verdict?: Verdict;
  score?: number;
  reason?: string;
  stageIndex?: number;
  stageName?: string;
  createdAt: string;
  updatedAt: string;
  /** Blob paths (ArtifactStore keys). */
  requestRef: string;
  resultRef?: string;
  /** Whatever else the orchestration keeps per analysis (small JSON only). */
  extra?: Record<string, unknown>;
}

export interface IntervalRecord {
  analysisId: string;
  stage: number;
  interval: number;
  start: string;
  end: string;
  score: number;
  classification: SummaryClassification;
  counts: Partial<Record<MetricClassificationLabel, number>>;
  failedMetrics: string[];
  /** Metrics whose (sequential) test has not decided yet: classified Pass, shown as undecided. */
  undecidedMetrics?: string[];
  pairsRef: string;
  judgementRef: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface ListAnalysesQuery {
  application?: string;
  state?: AnalysisState;
  /** Only analyses created strictly before this instant (ISO 8601); used by retention. */
  createdBefore?: string;
  limit?: number;
  continuationToken?: string;
}

export interface AnalysisStore {
  /** Creates or replaces the record (idempotent). */
  putAnalysis(record: AnalysisRecord): Promise<void>;
  /** Merges fields into an existing record; throws NotFoundError when absent. */
  updateAnalysis(
    application: string,
    id: string,
    patch: Partial<Omit<AnalysisRecord, "id" | "application">>,
  ): Promise<AnalysisRecord>;
  getAnalysis(id: string, application?: string): Promise<AnalysisRecord | undefined>;
  /** Newest first. */
  listAnalyses(query: ListAnalysesQuery): Promise<Page<AnalysisRecord>>;
  putInterval(row: IntervalRecord): Promise<void>;
  listIntervals(analysisId: string): Promise<IntervalRecord[]>;
  deleteAnalysis(application: string, id: string): Promise<void>;
}

/** `createOnly`: the write succeeds only when nothing is stored there yet (else PreconditionFailedError), atomically. */
export interface WriteOptions {
  createOnly?: boolean;
}

export interface ArtifactStore {
  putJson(path: string, value: unknown, options?: WriteOptions): Promise<void>;
  getJson<T = unknown>(path: string): Promise<T | undefined>;
  putText(path: string, text: string, contentType: string, options?: WriteOptions): Promise<void>;
  getText(path: string): Promise<string | undefined>;
  /** Deletes every artifact under the prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): Promise<string[]>;
}

export interface StoredConfig {
  application: string;
  name: string;
  version: number;
  etag: string;
  updatedAt: string;
  config: CanaryConfig;
}

export interface ConfigStore {
  get(application: string, name: string): Promise<StoredConfig | undefined>;
  /**
   * Creates (ifMatch undefined and absent, or "*") or updates (ifMatch = current etag); stale etag → ConflictError.
   * `createOnly` (If-None-Match: *): only when absent, decided atomically by the store; else PreconditionFailedError.
   */
  put(
    application: string,
    name: string,
    config: CanaryConfig,
    ifMatch?: string,
    options?: WriteOptions,
  ): Promise<StoredConfig>;
  delete(application: string, name: string, ifMatch?: string): Promise<boolean>;
  list(application?: string): Promise<Omit<StoredConfig, "config">[]>;
}

/** Artifact paths (docs/stored-data.md). */
export const artifactPaths = {
  request: (id: string) => `analyses/${id}/request.json`,
  pairs: (id: string, stage: number, interval: number) => `analyses/${id}/s${stage}/i${interval}/pairs.json`,
  judgement: (id: string, stage: number, interval: number) =>
    `analyses/${id}/s${stage}/i${interval}/judgement.json`,
  result: (id: string) => `analyses/${id}/result.json`,
  analysisPrefix: (id: string) => `analyses/${id}/`,
  config: (application: string, name: string) => `configs/${application}/${name}.json`,
  /** One immutable blob per stored config version; the `canaryConfigs` row references the current one. */
  configVersion: (application: string, name: string, version: number, writeId: string) =>
    `configs/${application}/${name}/v${version}-${writeId}.json`,
  configPrefix: (application: string, name: string) => `configs/${application}/${name}/`,
};
