// Test access to the one Azurite started by global-setup: its connection string and fresh, collision-free names.
import { inject } from "vitest";
import { parseStorageSettings, type StorageSettings } from "../../src/store/storage-settings";
import { createAzureStores, type Stores } from "../../src/app/stores";

declare module "vitest" {
  export interface ProvidedContext {
    /** Shared-key connection string of the suite's in-memory Azurite (test/helpers/global-setup.ts). */
    azuriteConnectionString: string;
  }
}

/** Connection string of the suite-wide Azurite (also in `process.env.COALMINE_TEST_STORAGE`). */
export function azuriteConnectionString(): string {
  const fromContext = inject("azuriteConnectionString");
  const value = fromContext || process.env.COALMINE_TEST_STORAGE;
  if (!value)
    throw new Error(
      "Azurite is not running: test/helpers/global-setup.ts did not provide a connection string",
    );
  return value;
}

let counter = 0;

/**
 * A prefix unique to this test file run (letters and digits only, so it is valid for tables and containers):
 * tables become `{prefix}analyses`, the container `{prefix}coalmine` (lower-cased).
 */
export function uniqueStoragePrefix(label = "t"): string {
  counter += 1;
  const clean = label.replace(/[^A-Za-z0-9]/g, "").slice(0, 8) || "t";
  const random = Math.random().toString(36).slice(2, 8);
  return `${clean}${process.pid.toString(36)}${random}${counter}`.toLowerCase();
}

/**
 * Azure stores on the suite's Azurite under fresh table and container names (one call per test file or test),
 * with quick retries so a failing test fails fast.
 */
export function testStorage(label = "t"): { stores: Stores; settings: StorageSettings; prefix: string } {
  const prefix = uniqueStoragePrefix(label);
  const settings = parseStorageSettings(azuriteConnectionString(), {
    prefix,
    retry: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
  return { stores: createAzureStores(settings), settings, prefix };
}
