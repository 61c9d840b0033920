// In-memory AnalysisStore for unit tests and the local runtime: same keys, ordering and tokens as TableAnalysisStore.
import type {
  AnalysisRecord,
  AnalysisStore,
  IntervalRecord,
  ListAnalysesQuery,
  Page,
} from "../analysis/ports/store";
import { analysisColumns, intervalColumns } from "./analysis-entities";
import { decodeContinuationToken, encodeContinuationToken, pageSize } from "./continuation-token";
import { NotFoundError } from "./errors";
import { assertStoreKey, createdBeforeRowKey, indexKeys, intervalRowKey, newestFirstRowKey } from "./keys";

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAnalysisStore implements AnalysisStore {
  private readonly analyses = new Map<string, AnalysisRecord>();
  private readonly intervals = new Map<string, Map<string, IntervalRecord>>();

  async putAnalysis(record: AnalysisRecord): Promise<void> {
    assertStoreKey("application", record.application);
    assertStoreKey("analysis id", record.id);
    analysisColumns(record); // same size limits as Table
    newestFirstRowKey(record.createdAt, record.id);
    this.analyses.set(record.id, copy(record));
  }

  async updateAnalysis(
    application: string,
    id: string,
    patch: Partial<Omit<AnalysisRecord, "id" | "application">>,
  ): Promise<AnalysisRecord> {
    const current = this.analyses.get(id);
    if (!current || current.application !== application)
      throw new NotFoundError(`analysis ${application}/${id} does not exist`);
    const merged: AnalysisRecord = { ...current, ...copy(patch), id, application };
    analysisColumns(merged);
    this.analyses.set(id, merged);
    return copy(merged);
  }

  async getAnalysis(id: string, application?: string): Promise<AnalysisRecord | undefined> {
    const record = this.analyses.get(id);
    if (!record || (application !== undefined && record.application !== application)) return undefined;
    return copy(record);
  }

  async listAnalyses(query: ListAnalysesQuery): Promise<Page<AnalysisRecord>> {
    const partition =
      query.application !== undefined ? indexKeys.byApplication(query.application) : indexKeys.all;
    const after =
      query.continuationToken !== undefined
        ? decodeContinuationToken(query.continuationToken, partition)
        : undefined;
    const limit = pageSize(query.limit);
    const floor = query.createdBefore !== undefined ? createdBeforeRowKey(query.createdBefore) : undefined;
    const rows = [...this.analyses.values()]
      .filter((r) => query.application === undefined || r.application === query.application)
      .filter((r) => query.state === undefined || r.state === query.state)
      .map((r) => ({ key: newestFirstRowKey(r.createdAt, r.id), record: r }))
      .filter((r) => after === undefined || r.key > after)
      .filter((r) => floor === undefined || r.key >= floor)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const items = rows.slice(0, limit).map((r) => copy(r.record));
    const last = rows[limit - 1];
    return rows.length > limit && last
      ? { items, continuationToken: encodeContinuationToken(partition, last.key) }
      : { items };
  }

  async putInterval(row: IntervalRecord): Promise<void> {
    assertStoreKey("analysis id", row.analysisId);
    const key = intervalRowKey(row.stage, row.interval);
    intervalColumns(row);
    let rows = this.intervals.get(row.analysisId);
    if (!rows) {
      rows = new Map();
      this.intervals.set(row.analysisId, rows);
    }
    rows.set(key, copy(row));
  }

  async listIntervals(analysisId: string): Promise<IntervalRecord[]> {
    const rows = this.intervals.get(analysisId);
    if (!rows) return [];
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => copy(row));
  }

  async deleteAnalysis(application: string, id: string): Promise<void> {
    const record = this.analyses.get(id);
    if (record && record.application !== application) return;
    this.analyses.delete(id);
    this.intervals.delete(id);
  }
}
