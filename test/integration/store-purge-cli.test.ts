// `coalmine purge` against the suite's Azurite: old analyses go with their rows, blobs and task hub history; usage errors exit 64.
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io";
import { main } from "../../src/cli/main";
import { artifactPaths, type AnalysisRecord } from "../../src/analysis/ports/store";
import { parseStorageSettings } from "../../src/store/storage-settings";
import { createAzureStores } from "../../src/app/stores";
import { taskHubNames } from "../../src/store/task-hub-history";
import { azuriteConnectionString, uniqueStoragePrefix } from "../helpers/azurite";

function captureIo(env: Record<string, string | undefined>): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd() };
}

const DAY = 86_400_000;

describe("coalmine purge", () => {
  it("purges analyses older than --older-than with intervals, blobs and Durable history; --dry-run deletes nothing", async () => {
    const connection = azuriteConnectionString();
    const prefix = uniqueStoragePrefix("purge");
    const hub = `hub${prefix}`;
    const env = { COALMINE_STORAGE: connection, COALMINE_STORAGE_PREFIX: prefix };
    const stores = createAzureStores(parseStorageSettings(connection, { prefix }));
    const now = Date.now();
    const record = (id: string, ageDays: number): AnalysisRecord => {
      const createdAt = new Date(now - ageDays * DAY).toISOString();
      return {
        id,
        application: "checkout",
        state: "passed",
        judge: "NetflixACAJudge-v1.0",
        createdAt,
        updatedAt: createdAt,
        requestRef: artifactPaths.request(id),
      };
    };
    for (const [id, age] of [
      ["OLD", 45],
      ["NEW", 3],
    ] as const) {
      await stores.analyses.putAnalysis(record(id, age));
      await stores.analyses.putInterval({
        analysisId: id,
        stage: 0,
        interval: 0,
        start: record(id, age).createdAt,
        end: record(id, age).createdAt,
        score: 100,
        classification: "Pass",
        counts: { Pass: 3 },
        failedMetrics: [],
        pairsRef: artifactPaths.pairs(id, 0, 0),
        judgementRef: artifactPaths.judgement(id, 0, 0),
      });
      await stores.artifacts.putJson(artifactPaths.request(id), { id });
      await stores.artifacts.putJson(artifactPaths.pairs(id, 0, 0), { id });
    }
    // The task hub as the Durable Functions Azure Storage provider lays it out.
    const names = taskHubNames(hub);
    const options = { allowInsecureConnection: true };
    const history = TableClient.fromConnectionString(connection, names.history, options);
    const instances = TableClient.fromConnectionString(connection, names.instances, options);
    await history.createTable();
    await instances.createTable();
    for (const id of ["OLD", "NEW"]) {
      await instances.createEntity({ partitionKey: id, rowKey: "", RuntimeStatus: "Completed" });
      for (const seq of ["0000000000000000", "0000000000000001", "0000000000000002"])
        await history.createEntity({ partitionKey: id, rowKey: seq, EventType: "ExecutionStarted" });
    }
    const large = BlobServiceClient.fromConnectionString(connection).getContainerClient(names.largeMessages);
    await large.createIfNotExists();
    await large.getBlockBlobClient("OLD/history-0-ExecutionStarted.json.gz").upload("x", 1);

    const dry = captureIo(env);
    expect(await main(["purge", "--older-than", "P30D", "--dry-run", "--task-hub", hub], dry)).toBe(0);
    expect(dry.out.join("")).toMatch(
      /^would purge 1 analyses created before .* \(older than P30D\): 1 interval rows, 2 blobs, 1 instance histories; 0 still active, left alone\n$/,
    );
    expect(await stores.analyses.getAnalysis("OLD")).toBeDefined();

    const io = captureIo(env);
    expect(await main(["purge", "--older-than", "P30D", "--task-hub", hub], io)).toBe(0);
    expect(io.out.join("")).toMatch(/^purged 1 analyses .* 1 interval rows, 2 blobs, 1 instance histories;/);
    expect(io.err.join("")).not.toContain("AccountKey");

    expect(await stores.analyses.getAnalysis("OLD")).toBeUndefined();
    expect(await stores.analyses.listIntervals("OLD")).toEqual([]);
    expect(await stores.artifacts.list(artifactPaths.analysisPrefix("OLD"))).toEqual([]);
    const rowsOf = async (table: TableClient, pk: string) => {
      const found: unknown[] = [];
      for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk}'` } }))
        found.push(row);
      return found.length;
    };
    expect(await rowsOf(history, "OLD")).toBe(0);
    expect(await rowsOf(instances, "OLD")).toBe(0);
    const leftover: string[] = [];
    for await (const blob of large.listBlobsFlat({ prefix: "OLD/" })) leftover.push(blob.name);
    expect(leftover).toEqual([]);

    expect(await stores.analyses.getAnalysis("NEW")).toBeDefined();
    expect(await rowsOf(history, "NEW")).toBe(3);
    expect(await rowsOf(instances, "NEW")).toBe(1);
    expect(await stores.artifacts.list(artifactPaths.analysisPrefix("NEW"))).toHaveLength(2);
  });

  it("purges with no task hub at all (a hub that never ran has no history)", async () => {
    const connection = azuriteConnectionString();
    const prefix = uniqueStoragePrefix("nohub");
    const io = captureIo({ COALMINE_STORAGE: connection, COALMINE_STORAGE_PREFIX: prefix });
    expect(await main(["purge", "--task-hub", `never${prefix}`], io)).toBe(0);
    expect(io.out.join("")).toMatch(/^purged 0 analyses .*\(older than P30D\)/);
  });

  it("exits 64 with a clear message when COALMINE_STORAGE is unset or an option is wrong", async () => {
    const unset = captureIo({});
    expect(await main(["purge"], unset)).toBe(64);
    expect(unset.err.join("")).toMatchInlineSnapshot(`
      "coalmine purge: COALMINE_STORAGE is not set. Without it analyses live in an in-process store that ends with its process, so there is nothing to purge; set it to the connection string or account name of the storage to clean
      "
    `);
    const badDuration = captureIo({ COALMINE_STORAGE: "UseDevelopmentStorage=true" });
    expect(await main(["purge", "--older-than", "30 days"], badDuration)).toBe(64);
    expect(badDuration.err.join("")).toBe(
      'coalmine purge: --older-than "30 days" must be a positive ISO 8601 duration such as P30D\n',
    );
    const badStorage = captureIo({ COALMINE_STORAGE: "Not An Account" });
    expect(await main(["purge"], badStorage)).toBe(64);
    expect(badStorage.err.join("")).toContain("is neither a connection string nor a storage account name");
    const unknownOption = captureIo({ COALMINE_STORAGE: "UseDevelopmentStorage=true" });
    expect(await main(["purge", "--older", "P1D"], unknownOption)).toBe(64);
  });
});
