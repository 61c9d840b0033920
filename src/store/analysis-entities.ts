// Analysis and interval records ↔ Table entity columns, with the entity size limits checked before any write.
import type { AnalysisState, Verdict } from "../analysis/analysis-status";
import type { MetricClassificationLabel, SummaryClassification } from "../judge/types";
import { EntityTooLargeError, StoreError } from "./errors";
import type { AnalysisRecord, IntervalRecord } from "../analysis/ports/store";

/**
 * Longest string column we write: a Table string property holds at most 64 KiB of UTF-16, i.e. 32,768 code units
 * (Azure Table "Understanding the Table service data model"). Anything longer belongs in Blob.
 */
export const MAX_STRING_COLUMN = 32_000;

/** Columns of an analysis row (and of its listing copies). */
export interface AnalysisColumns {
  id: string;
  application: string;
  state: string;
  judge: string;
  verdict?: string;
  score?: number;
  reason?: string;
  stageIndex?: number;
  stageName?: string;
  createdAt: string;
  updatedAt: string;
  requestRef: string;
  resultRef?: string;
  /** `extra` as JSON text. */
  extraJson?: string;
}

function checkString(what: string, column: string, value: string | undefined): void {
  if (value !== undefined && value.length > MAX_STRING_COLUMN)
    throw new EntityTooLargeError(
      `${what}: ${column} is ${value.length} characters; a Table column holds at most ${MAX_STRING_COLUMN}. Store it in Blob and keep the reference`,
    );
}

export function analysisColumns(record: AnalysisRecord): AnalysisColumns {
  const what = `analysis ${record.id}`;
  const extraJson = record.extra === undefined ? undefined : JSON.stringify(record.extra);
  for (const [column, value] of Object.entries({
    reason: record.reason,
    stageName: record.stageName,
    requestRef: record.requestRef,
    resultRef: record.resultRef,
    judge: record.judge,
    extra: extraJson,
  }))
    checkString(what, column, value);
  const columns: AnalysisColumns = {
    id: record.id,
    application: record.application,
    state: record.state,
    judge: record.judge,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    requestRef: record.requestRef,
  };
  if (record.verdict !== undefined) columns.verdict = record.verdict;
  if (record.score !== undefined) columns.score = record.score;
  if (record.reason !== undefined) columns.reason = record.reason;
  if (record.stageIndex !== undefined) columns.stageIndex = record.stageIndex;
  if (record.stageName !== undefined) columns.stageName = record.stageName;
  if (record.resultRef !== undefined) columns.resultRef = record.resultRef;
  if (extraJson !== undefined) columns.extraJson = extraJson;
  return columns;
}

const str = (row: Record<string, unknown>, key: string): string | undefined =>
  typeof row[key] === "string" ? row[key] : undefined;
const num = (row: Record<string, unknown>, key: string): number | undefined =>
  typeof row[key] === "number" ? row[key] : undefined;

function required(row: Record<string, unknown>, key: string, what: string): string {
  const value = str(row, key);
  if (value === undefined) throw new StoreError(`${what}: stored row has no ${key} column`);
  return value;
}

function parseJsonColumn(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StoreError(`${what}: stored JSON column is corrupt`, { cause: error });
  }
}

export function analysisFromRow(row: Record<string, unknown>): AnalysisRecord {
  const id = required(row, "id", "analysis row");
  const what = `analysis ${id}`;
  const record: AnalysisRecord = {
    id,
    application: required(row, "application", what),
    state: required(row, "state", what) as AnalysisState,
    judge: required(row, "judge", what),
    createdAt: required(row, "createdAt", what),
    updatedAt: required(row, "updatedAt", what),
    requestRef: required(row, "requestRef", what),
  };
  const verdict = str(row, "verdict");
  if (verdict !== undefined) record.verdict = verdict as Verdict;
  const score = num(row, "score");
  if (score !== undefined) record.score = score;
  const reason = str(row, "reason");
  if (reason !== undefined) record.reason = reason;
  const stageIndex = num(row, "stageIndex");
  if (stageIndex !== undefined) record.stageIndex = stageIndex;
  const stageName = str(row, "stageName");
  if (stageName !== undefined) record.stageName = stageName;
  const resultRef = str(row, "resultRef");
  if (resultRef !== undefined) record.resultRef = resultRef;
  const extraJson = str(row, "extraJson");
  if (extraJson !== undefined) record.extra = parseJsonColumn(extraJson, what) as Record<string, unknown>;
  return record;
}

/**
 * Failed-metric names can outgrow one column (500 metrics × long names); they are split over up to
 * FAILED_METRICS_CHUNKS columns `failedMetricsJson`, `failedMetricsJson1`, … (256 K characters, half the 1 MiB entity).
 */
export const FAILED_METRICS_CHUNKS = 8;

const chunkColumn = (base: string, index: number): string => (index === 0 ? base : `${base}${index}`);

function chunks(what: string, base: string, text: string): Record<string, string> {
  const count = Math.max(1, Math.ceil(text.length / MAX_STRING_COLUMN));
  if (count > FAILED_METRICS_CHUNKS)
    throw new EntityTooLargeError(
      `${what}: ${base} is ${text.length} characters; a Table row holds at most ${FAILED_METRICS_CHUNKS * MAX_STRING_COLUMN} in it. Store it in Blob and keep the reference`,
    );
  const out: Record<string, string> = {};
  for (let k = 0; k < count; k++)
    out[chunkColumn(base, k)] = text.slice(k * MAX_STRING_COLUMN, (k + 1) * MAX_STRING_COLUMN);
  return out;
}

function joinChunks(row: Record<string, unknown>, base: string): string | undefined {
  const first = str(row, base);
  if (first === undefined) return undefined;
  let text = first;
  for (let k = 1; k < FAILED_METRICS_CHUNKS; k++) {
    const next = str(row, chunkColumn(base, k));
    if (next === undefined) break;
    text += next;
  }
  return text;
}

/** Columns of an interval row. */
export function intervalColumns(row: IntervalRecord): Record<string, string | number> {
  const what = `interval s${row.stage}/i${row.interval} of analysis ${row.analysisId}`;
  const columns: Record<string, string | number> = {
    analysisId: row.analysisId,
    stage: row.stage,
    interval: row.interval,
    start: row.start,
    end: row.end,
    score: row.score,
    classification: row.classification,
    countsJson: JSON.stringify(row.counts),
    pairsRef: row.pairsRef,
    judgementRef: row.judgementRef,
  };
  for (const [column, value] of Object.entries(columns))
    if (typeof value === "string") checkString(what, column, value);
  return {
    ...columns,
    ...chunks(what, "failedMetricsJson", JSON.stringify(row.failedMetrics)),
    ...(row.undecidedMetrics?.length
      ? chunks(what, "undecidedMetricsJson", JSON.stringify(row.undecidedMetrics))
      : {}),
  };
}

function undecidedOf(row: Record<string, unknown>, what: string): { undecidedMetrics?: string[] } {
  const text = joinChunks(row, "undecidedMetricsJson");
  return text === undefined ? {} : { undecidedMetrics: parseJsonColumn(text, what) as string[] };
}

export function intervalFromRow(row: Record<string, unknown>): IntervalRecord {
  const analysisId = required(row, "analysisId", "interval row");
  const what = `interval of analysis ${analysisId}`;
  return {
    analysisId,
    stage: num(row, "stage") ?? 0,
    interval: num(row, "interval") ?? 0,
    start: required(row, "start", what),
    end: required(row, "end", what),
    score: num(row, "score") ?? 0,
    classification: required(row, "classification", what) as SummaryClassification,
    counts: parseJsonColumn(required(row, "countsJson", what), what) as Partial<
      Record<MetricClassificationLabel, number>
    >,
    failedMetrics: parseJsonColumn(joinChunks(row, "failedMetricsJson") ?? "[]", what) as string[],
    ...undecidedOf(row, what),
    pairsRef: required(row, "pairsRef", what),
    judgementRef: required(row, "judgementRef", what),
  };
}
