// AnalysisStore on Azure Table: analyses (PK application, RK id), intervals, and an index for id look-ups and newest-first listing.
import { odata, type TableClient } from "@azure/data-tables";
import type {
  AnalysisRecord,
  AnalysisStore,
  IntervalRecord,
  ListAnalysesQuery,
  Page,
} from "../analysis/ports/store";
import { analysisColumns, analysisFromRow, intervalColumns, intervalFromRow } from "./analysis-entities";
import { decodeContinuationToken, encodeContinuationToken, pageSize } from "./continuation-token";
import { ConflictError, isNotFound, NotFoundError, storeCall, translateStoreError } from "./errors";
import { assertStoreKey, createdBeforeRowKey, indexKeys, intervalRowKey, newestFirstRowKey } from "./keys";
import type { StorageClients } from "./storage-clients";
import type { StorageNames } from "./storage-settings";

const UPDATE_ATTEMPTS = 5;

async function deleteIgnoringMissing(
  table: TableClient,
  pk: string,
  rk: string,
  doing: string,
): Promise<void> {
  try {
    await table.deleteEntity(pk, rk);
  } catch (error) {
    if (!isNotFound(error)) throw translateStoreError(error, doing);
  }
}

export class TableAnalysisStore implements AnalysisStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly names: Pick<StorageNames, "analyses" | "intervals" | "analysisIndex">,
  ) {}

  private analyses(): Promise<TableClient> {
    return this.clients.table(this.names.analyses);
  }
  private intervals(): Promise<TableClient> {
    return this.clients.table(this.names.intervals);
  }
  private index(): Promise<TableClient> {
    return this.clients.table(this.names.analysisIndex);
  }

  async putAnalysis(record: AnalysisRecord): Promise<void> {
    assertStoreKey("application", record.application);
    assertStoreKey("analysis id", record.id);
    const columns = analysisColumns(record);
    const newKey = newestFirstRowKey(record.createdAt, record.id);
    const previous = await this.readMain(record.application, record.id);
    await this.writeMain(record.application, record.id, columns);
    await this.writeIndex(record, columns);
    // A re-put with another createdAt must not leave a listing row at the old position.
    if (previous && newestFirstRowKey(previous.createdAt, previous.id) !== newKey)
      await this.deleteListing(previous);
  }

  async updateAnalysis(
    application: string,
    id: string,
    patch: Partial<Omit<AnalysisRecord, "id" | "application">>,
  ): Promise<AnalysisRecord> {
    assertStoreKey("application", application);
    assertStoreKey("analysis id", id);
    const table = await this.analyses();
    const doing = `updating analysis ${application}/${id}`;
    for (let attempt = 1; ; attempt++) {
      let row: Record<string, unknown> & { etag: string };
      try {
        row = await table.getEntity<Record<string, unknown>>(application, id);
      } catch (error) {
        if (isNotFound(error))
          throw new NotFoundError(`analysis ${application}/${id} does not exist`, { cause: error });
        throw translateStoreError(error, doing);
      }
      const current = analysisFromRow(row);
      const merged: AnalysisRecord = { ...current, ...patch, id, application };
      const columns = analysisColumns(merged);
      if (newestFirstRowKey(merged.createdAt, id) !== newestFirstRowKey(current.createdAt, id))
        await this.deleteListing(current);
      try {
        await table.updateEntity({ partitionKey: application, rowKey: id, ...columns }, "Replace", {
          etag: row.etag,
        });
      } catch (error) {
        const typed = translateStoreError(error, doing);
        // Someone updated in between: re-read and merge again.
        if (typed instanceof ConflictError && attempt < UPDATE_ATTEMPTS) continue;
        throw typed;
      }
      await this.writeIndex(merged, columns);
      return merged;
    }
  }

  async getAnalysis(id: string, application?: string): Promise<AnalysisRecord | undefined> {
    assertStoreKey("analysis id", id);
    if (application !== undefined) {
      assertStoreKey("application", application);
      return this.readMain(application, id);
    }
    const index = await this.index();
    const key = indexKeys.byId(id);
    let owner: string;
    try {
      const row = await index.getEntity<{ application?: unknown }>(key.partitionKey, key.rowKey);
      if (typeof row.application !== "string") return undefined;
      owner = row.application;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateStoreError(error, `looking up analysis ${id}`);
    }
    return this.readMain(owner, id);
  }

  async listAnalyses(query: ListAnalysesQuery): Promise<Page<AnalysisRecord>> {
    if (query.application !== undefined) assertStoreKey("application", query.application);
    const partition =
      query.application !== undefined ? indexKeys.byApplication(query.application) : indexKeys.all;
    const limit = pageSize(query.limit);
    let filter = odata`PartitionKey eq ${partition}`;
    if (query.state !== undefined) filter += odata` and state eq ${query.state}`;
    if (query.createdBefore !== undefined)
      filter += odata` and RowKey ge ${createdBeforeRowKey(query.createdBefore)}`;
    if (query.continuationToken !== undefined) {
      const after = decodeContinuationToken(query.continuationToken, partition);
      filter += odata` and RowKey gt ${after}`;
    }
    const index = await this.index();
    // One extra row tells whether another page exists, so a token never leads to an empty page.
    const rows = await storeCall("listing analyses", async () => {
      const found: Record<string, unknown>[] = [];
      const pages = index.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({
        maxPageSize: Math.min(1000, limit + 1),
      });
      for await (const page of pages) {
        for (const row of page) {
          found.push(row);
          if (found.length > limit) return found;
        }
      }
      return found;
    });
    const items = rows.slice(0, limit).map(analysisFromRow);
    const last = rows[limit - 1];
    return rows.length > limit && last !== undefined && typeof last.rowKey === "string"
      ? { items, continuationToken: encodeContinuationToken(partition, last.rowKey) }
      : { items };
  }

  async putInterval(row: IntervalRecord): Promise<void> {
    assertStoreKey("analysis id", row.analysisId);
    const entity = {
      partitionKey: row.analysisId,
      rowKey: intervalRowKey(row.stage, row.interval),
      ...intervalColumns(row),
    };
    const table = await this.intervals();
    await storeCall(`writing interval ${entity.rowKey} of analysis ${row.analysisId}`, () =>
      table.upsertEntity(entity, "Replace"),
    );
  }

  async listIntervals(analysisId: string): Promise<IntervalRecord[]> {
    assertStoreKey("analysis id", analysisId);
    const table = await this.intervals();
    return storeCall(`listing intervals of analysis ${analysisId}`, async () => {
      const rows: IntervalRecord[] = [];
      const entities = table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${analysisId}` },
      });
      for await (const entity of entities) rows.push(intervalFromRow(entity));
      return rows.sort((a, b) => a.stage - b.stage || a.interval - b.interval);
    });
  }

  /** Removes the analysis row, its index rows and its interval rows (not its blobs); absent is fine. */
  async deleteAnalysis(application: string, id: string): Promise<void> {
    assertStoreKey("application", application);
    assertStoreKey("analysis id", id);
    const record = await this.readMain(application, id);
    if (record) await this.deleteListing(record);
    const intervals = await this.intervals();
    const keys = await storeCall(`listing intervals of analysis ${id}`, async () => {
      const found: string[] = [];
      const entities = intervals.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${id}`, select: ["RowKey"] },
      });
      for await (const entity of entities) if (typeof entity.rowKey === "string") found.push(entity.rowKey);
      return found;
    });
    for (const rowKey of keys)
      await deleteIgnoringMissing(intervals, id, rowKey, `deleting interval ${rowKey} of analysis ${id}`);
    const byId = indexKeys.byId(id);
    await deleteIgnoringMissing(
      await this.index(),
      byId.partitionKey,
      byId.rowKey,
      `deleting index of analysis ${id}`,
    );
    // The main row goes last: until then a retry can still find everything to delete.
    await deleteIgnoringMissing(
      await this.analyses(),
      application,
      id,
      `deleting analysis ${application}/${id}`,
    );
  }

  private async readMain(application: string, id: string): Promise<AnalysisRecord | undefined> {
    const table = await this.analyses();
    try {
      return analysisFromRow(await table.getEntity<Record<string, unknown>>(application, id));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateStoreError(error, `reading analysis ${application}/${id}`);
    }
  }

  private async writeMain(application: string, id: string, columns: object): Promise<void> {
    const table = await this.analyses();
    await storeCall(`writing analysis ${application}/${id}`, () =>
      table.upsertEntity({ partitionKey: application, rowKey: id, ...columns }, "Replace"),
    );
  }

  private async writeIndex(record: AnalysisRecord, columns: object): Promise<void> {
    const index = await this.index();
    const rowKey = newestFirstRowKey(record.createdAt, record.id);
    const doing = `indexing analysis ${record.application}/${record.id}`;
    const rows = [
      { ...indexKeys.byId(record.id), application: record.application },
      { partitionKey: indexKeys.byApplication(record.application), rowKey, ...columns },
      { partitionKey: indexKeys.all, rowKey, ...columns },
    ];
    // Three partitions, so no entity group transaction; each upsert is idempotent and all must succeed.
    await Promise.all(rows.map((row) => storeCall(doing, () => index.upsertEntity(row, "Replace"))));
  }

  private async deleteListing(record: AnalysisRecord): Promise<void> {
    const index = await this.index();
    const rowKey = newestFirstRowKey(record.createdAt, record.id);
    const doing = `unlisting analysis ${record.application}/${record.id}`;
    await deleteIgnoringMissing(index, indexKeys.byApplication(record.application), rowKey, doing);
    await deleteIgnoringMissing(index, indexKeys.all, rowKey, doing);
  }
}
