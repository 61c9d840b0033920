// Azurite Blob + Table started in-process, in memory, on free ports (tests, `coalmine serve` without COALMINE_STORAGE).
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-require-imports */

/** Azurite's well-known development account (Azurite README). */
export const DEV_ACCOUNT_NAME = "devstoreaccount1";
export const DEV_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /** Listening host; default 127.0.0.1. */
  host?: string;
  /** Ports; 0 (the default) picks free ones. */
  blobPort?: number;
  tablePort?: number;
  /** Memory limit for blob extents in MB (Azurite's `--extentMemoryLimit`); default 256. */
  extentMemoryLimitMb?: number;
}

export interface AzuriteInstance {
  /** Shared-key connection string naming both endpoints. */
  connectionString: string;
  /** e.g. `http://127.0.0.1:41065/devstoreaccount1` */
  blobEndpoint: string;
  tableEndpoint: string;
  accountName: string;
  accountKey: string;
  stop(): Promise<void>;
}

// Azurite ships no type declarations; these deep CommonJS modules export classes as `default`.
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

let sequence = 0;

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteInstance> {
  const BlobServer = require("azurite/dist/src/blob/BlobServer").default;
  const BlobConfiguration = require("azurite/dist/src/blob/BlobConfiguration").default;
  const TableServer = require("azurite/dist/src/table/TableServer").default;
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default;
  const { MemoryExtentChunkStore } = require("azurite/dist/src/common/persistence/MemoryExtentStore");

  const host = options.host ?? "127.0.0.1";
  const id = `${process.pid}-${++sequence}`;
  const loose = true;
  const skipApiVersionCheck = true;
  const inMemory = true;
  // A private chunk store per instance so two Azurites in one process don't share blob content.
  const chunkStore = new MemoryExtentChunkStore((options.extentMemoryLimitMb ?? 256) * 1024 * 1024);

  const blobConfig = new BlobConfiguration(
    host,
    options.blobPort ?? 0,
    undefined, // keepAliveTimeout
    `coalmine-blob-meta-${id}`, // metadataDBPath (a name only when in memory)
    `coalmine-blob-extent-${id}`, // extentDBPath
    [], // persistence paths (unused in memory)
    false, // enableAccessLog
    undefined, // accessLogWriteStream
    false, // enableDebugLog
    undefined, // debugLogFilePath
    loose,
    skipApiVersionCheck,
    "",
    "",
    "",
    undefined, // oauth
    false, // disableProductStyleUrl
    inMemory,
    chunkStore,
  );
  const tableConfig = new TableConfiguration(
    host,
    options.tablePort ?? 0,
    undefined, // keepAliveTimeout
    `coalmine-table-meta-${id}`,
    false, // enableDebugLog
    false, // enableAccessLog
    undefined,
    undefined,
    loose,
    skipApiVersionCheck,
    "",
    "",
    "",
    undefined,
    false,
    inMemory,
  );

  const blob: AzuriteServer = new BlobServer(blobConfig);
  const table: AzuriteServer = new TableServer(tableConfig);
  await blob.start();
  try {
    await table.start();
  } catch (error) {
    await blob.close();
    throw error;
  }

  const blobEndpoint = `${blob.getHttpServerAddress()}/${DEV_ACCOUNT_NAME}`;
  const tableEndpoint = `${table.getHttpServerAddress()}/${DEV_ACCOUNT_NAME}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};` +
    `BlobEndpoint=${blobEndpoint};TableEndpoint=${tableEndpoint};`;

  let stopped = false;
  return {
    connectionString,
    blobEndpoint,
    tableEndpoint,
    accountName: DEV_ACCOUNT_NAME,
    accountKey: DEV_ACCOUNT_KEY,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([blob.close(), table.close()]);
    },
  };
}
