// Storage settings from COALMINE_STORAGE: a connection string (shared key) or an account name (managed identity).
import { StoreError } from "./errors";

export interface StorageNames {
  analyses: string;
  intervals: string;
  canaryConfigs: string;
  /** Secondary index rows: analysis id → application, and newest-first listing rows (docs/adr/0001-storage-keys.md). */
  analysisIndex: string;
  container: string;
}

export interface StorageRetry {
  /** Retries after the first try (0 = fail at once). */
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
  /** Per-try timeout for Blob calls. */
  tryTimeoutInMs: number;
}

interface CommonSettings {
  tableEndpoint: string;
  blobEndpoint: string;
  /** True when an endpoint is plain http (Azurite); the Table SDK refuses http otherwise. */
  allowInsecureConnection: boolean;
  names: StorageNames;
  retry: StorageRetry;
}

export type StorageSettings =
  | (CommonSettings & { auth: "connectionString"; connectionString: string })
  | (CommonSettings & { auth: "identity"; accountName: string });

export const DEFAULT_STORAGE_NAMES: StorageNames = {
  analyses: "analyses",
  intervals: "intervals",
  canaryConfigs: "canaryConfigs",
  analysisIndex: "analysisIndex",
  container: "coalmine",
};

export const DEFAULT_STORAGE_RETRY: StorageRetry = {
  maxRetries: 3,
  retryDelayInMs: 500,
  maxRetryDelayInMs: 8_000,
  tryTimeoutInMs: 30_000,
};

/** Azurite's default endpoints, what `UseDevelopmentStorage=true` means (Azurite README). */
const DEVELOPMENT_BLOB = "http://127.0.0.1:10000/devstoreaccount1";
const DEVELOPMENT_TABLE = "http://127.0.0.1:10002/devstoreaccount1";

export class StorageSettingsError extends StoreError {
  override readonly name: string = "StorageSettingsError";
}

export interface StorageSettingsOptions {
  /** Prepended to every table and the container name (letters and digits; the container gets it lower-cased). */
  prefix?: string;
  retry?: Partial<StorageRetry>;
}

/** Names with a prefix: tables `{prefix}analyses`…, container `{prefix}coalmine` lower-cased. */
export function storageNames(prefix = ""): StorageNames {
  if (prefix !== "" && !/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(prefix))
    throw new StorageSettingsError(
      `storage prefix ${JSON.stringify(prefix)} is invalid: use up to 40 letters and digits, starting with a letter`,
    );
  return {
    analyses: `${prefix}${DEFAULT_STORAGE_NAMES.analyses}`,
    intervals: `${prefix}${DEFAULT_STORAGE_NAMES.intervals}`,
    canaryConfigs: `${prefix}${DEFAULT_STORAGE_NAMES.canaryConfigs}`,
    analysisIndex: `${prefix}${DEFAULT_STORAGE_NAMES.analysisIndex}`,
    container: `${prefix}${DEFAULT_STORAGE_NAMES.container}`.toLowerCase(),
  };
}

/** `Key=Value;…` pairs of a connection string (keys case-insensitive, values may contain `=`). */
function connectionStringParts(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const piece of value.split(";")) {
    const trimmed = piece.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0)
      throw new StorageSettingsError(`COALMINE_STORAGE: "${trimmed.split("=")[0]}" is not Key=Value`);
    parts.set(trimmed.slice(0, eq).toLowerCase(), trimmed.slice(eq + 1));
  }
  return parts;
}

const stripSlash = (url: string): string => url.replace(/\/+$/, "");

/**
 * Parses a COALMINE_STORAGE value: a connection string (`UseDevelopmentStorage=true` included) or a storage account
 * name (then `https://{name}.table.core.windows.net` / `.blob.core.windows.net` with DefaultAzureCredential).
 */
export function parseStorageSettings(value: string, options: StorageSettingsOptions = {}): StorageSettings {
  const text = value.trim();
  const names = storageNames(options.prefix);
  const retry = { ...DEFAULT_STORAGE_RETRY, ...options.retry };
  if (text === "") throw new StorageSettingsError("COALMINE_STORAGE is empty");

  if (!text.includes("=")) {
    // Storage account names: 3-24 lower-case letters and digits (Azure naming rules).
    if (!/^[a-z0-9]{3,24}$/.test(text))
      throw new StorageSettingsError(
        `COALMINE_STORAGE ${JSON.stringify(text)} is neither a connection string nor a storage account name (3-24 lower-case letters and digits)`,
      );
    return {
      auth: "identity",
      accountName: text,
      tableEndpoint: `https://${text}.table.core.windows.net`,
      blobEndpoint: `https://${text}.blob.core.windows.net`,
      allowInsecureConnection: false,
      names,
      retry,
    };
  }

  const parts = connectionStringParts(text);
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true") {
    return {
      auth: "connectionString",
      connectionString: "UseDevelopmentStorage=true",
      tableEndpoint: DEVELOPMENT_TABLE,
      blobEndpoint: DEVELOPMENT_BLOB,
      allowInsecureConnection: true,
      names,
      retry,
    };
  }
  const account = parts.get("accountname");
  const protocol = parts.get("defaultendpointsprotocol") ?? "https";
  const suffix = parts.get("endpointsuffix") ?? "core.windows.net";
  const derive = (service: string) =>
    account !== undefined ? `${protocol}://${account}.${service}.${suffix}` : undefined;
  const tableEndpoint = parts.get("tableendpoint") ?? derive("table");
  const blobEndpoint = parts.get("blobendpoint") ?? derive("blob");
  if (tableEndpoint === undefined || blobEndpoint === undefined)
    throw new StorageSettingsError(
      "COALMINE_STORAGE connection string names neither AccountName nor both TableEndpoint and BlobEndpoint",
    );
  if (!parts.has("accountkey") && !parts.has("sharedaccesssignature"))
    throw new StorageSettingsError(
      "COALMINE_STORAGE connection string has no AccountKey or SharedAccessSignature; give just the account name to use a managed identity",
    );
  return {
    auth: "connectionString",
    connectionString: text,
    tableEndpoint: stripSlash(tableEndpoint),
    blobEndpoint: stripSlash(blobEndpoint),
    allowInsecureConnection: tableEndpoint.startsWith("http:") || blobEndpoint.startsWith("http:"),
    names,
    retry,
  };
}

/** A description safe to print (no keys or signatures). */
export function describeStorage(settings: StorageSettings): string {
  const how =
    settings.auth === "identity" ? `managed identity (account ${settings.accountName})` : "connection string";
  return `${settings.tableEndpoint} + ${settings.blobEndpoint}/${settings.names.container} via ${how}`;
}
