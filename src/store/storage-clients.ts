// SDK clients for the configured account; each table and the container is created on first use, once per process.
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import { LazyDefaultAzureCredential } from "../identity/lazy-credential";
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { storeCall } from "./errors";
import type { StorageSettings } from "./storage-settings";

export interface StorageClients {
  /** A client for the table, after making sure it exists. */
  table(name: string): Promise<TableClient>;
  /** The container client, after making sure it exists. */
  container(): Promise<ContainerClient>;
  /** A client for a table someone else owns (e.g. a Durable task hub's): never created. */
  existingTable(name: string): TableClient;
  /** A client for a container someone else owns: never created. */
  existingContainer(name: string): ContainerClient;
}

/** Creation promises per endpoint + name: shared by every StorageClients of this process. */
const ensured = new Map<string, Promise<void>>();

function ensureOnce(key: string, create: () => Promise<void>): Promise<void> {
  let pending = ensured.get(key);
  if (!pending) {
    pending = create();
    ensured.set(key, pending);
    // A failed creation is retried by the next caller instead of failing forever.
    pending.catch(() => ensured.delete(key));
  }
  return pending;
}

export function createStorageClients(settings: StorageSettings): StorageClients {
  const retry = settings.retry;
  const tableOptions: TableServiceClientOptions = {
    allowInsecureConnection: settings.allowInsecureConnection,
    retryOptions: {
      maxRetries: retry.maxRetries,
      retryDelayInMs: retry.retryDelayInMs,
      maxRetryDelayInMs: retry.maxRetryDelayInMs,
    },
  };
  const blobOptions: StoragePipelineOptions = {
    retryOptions: {
      maxTries: retry.maxRetries + 1,
      retryDelayInMs: retry.retryDelayInMs,
      maxRetryDelayInMs: retry.maxRetryDelayInMs,
      tryTimeoutInMs: retry.tryTimeoutInMs,
    },
  };
  // @azure/identity loads with the first token (src/identity/lazy-credential.ts), never with a connection string.
  const credential = settings.auth === "identity" ? new LazyDefaultAzureCredential() : undefined;

  const makeTable = (name: string): TableClient =>
    settings.auth === "connectionString"
      ? TableClient.fromConnectionString(settings.connectionString, name, tableOptions)
      : new TableClient(settings.tableEndpoint, name, credential as LazyDefaultAzureCredential, tableOptions);
  const service =
    settings.auth === "connectionString"
      ? BlobServiceClient.fromConnectionString(settings.connectionString, blobOptions)
      : new BlobServiceClient(settings.blobEndpoint, credential, blobOptions);
  const containerClient = service.getContainerClient(settings.names.container);

  const tables = new Map<string, TableClient>();
  return {
    async table(name) {
      let client = tables.get(name);
      if (!client) {
        client = makeTable(name);
        tables.set(name, client);
      }
      const ready = client;
      // createTable ignores "TableAlreadyExists".
      await ensureOnce(`table ${settings.tableEndpoint} ${name}`, () =>
        storeCall(`creating table ${name}`, () => ready.createTable()),
      );
      return ready;
    },
    existingTable: makeTable,
    existingContainer: (name) => service.getContainerClient(name),
    async container() {
      await ensureOnce(`container ${settings.blobEndpoint} ${settings.names.container}`, async () => {
        await storeCall(`creating container ${settings.names.container}`, () =>
          containerClient.createIfNotExists(),
        );
      });
      return containerClient;
    },
  };
}

/** Forgets which tables and containers exist (tests that stop and restart a storage emulator). */
export function resetCreatedStorage(): void {
  ensured.clear();
}
