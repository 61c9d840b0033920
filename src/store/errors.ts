// Typed storage errors, and the translation of Azure SDK errors (RestError statusCode/code) into them.

/** Any storage failure; the operation did not take effect (or may not have: never assume success). */
export class StoreError extends Error {
  override readonly name: string = "StoreError";
  /** HTTP status from the service, when there was one. */
  readonly statusCode: number | undefined;
  /** Service or network error code (e.g. `EntityAlreadyExists`, `ECONNREFUSED`), when known. */
  readonly code: string | undefined;
  constructor(message: string, options: { cause?: unknown; statusCode?: number; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = options.statusCode;
    this.code = options.code;
  }
}

/** Transient: the store could not be reached or answered 408/429/5xx; retrying later may succeed. */
export class StoreUnavailableError extends StoreError {
  override readonly name: string = "StoreUnavailableError";
}

/**
 * The store refuses Coalmine itself: wrong key or identity (401/403), an API version or header it does not
 * support, no credential. Retrying will not help; the setting must be fixed. The message names the cause (status
 * and service code) and never the connection string, key or token.
 */
export class StoreMisconfiguredError extends StoreError {
  override readonly name: string = "StoreMisconfiguredError";
}

/** An optimistic-concurrency check failed (stale ETag) or the item already exists. */
export class ConflictError extends StoreError {
  override readonly name: string = "ConflictError";
}

/** A create-only write (If-None-Match: *) found the item already there; exactly one concurrent creator wins. */
export class PreconditionFailedError extends ConflictError {
  override readonly name: string = "PreconditionFailedError";
}

/** The item to update or delete does not exist. */
export class NotFoundError extends StoreError {
  override readonly name: string = "NotFoundError";
}

/** A value is too large for a Table entity (it belongs in Blob); nothing was written. */
export class EntityTooLargeError extends StoreError {
  override readonly name: string = "EntityTooLargeError";
}

/** A key (application, analysis id, config name) that Table/Blob cannot store. */
export class InvalidKeyError extends StoreError {
  override readonly name: string = "InvalidKeyError";
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "REQUEST_SEND_ERROR",
  "ServerBusy",
  "OperationTimedOut",
  "InternalError",
]);

function field(error: unknown, key: string): unknown {
  return typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

/** The network error code of an error or of any error in its `cause` chain. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = field(current, "code");
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return code;
    current = field(current, "cause");
  }
  return undefined;
}

/**
 * Turns whatever an Azure SDK call threw into a StoreError subclass, saying what was being done.
 * Statuses: 404 → NotFoundError; 409/412 → ConflictError; 408/429/5xx, network errors, aborts → StoreUnavailableError.
 */
export function translateStoreError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const status = field(error, "statusCode");
  const statusCode = typeof status === "number" ? status : undefined;
  const rawCode = field(error, "code");
  const code = typeof rawCode === "string" ? rawCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const detail = (what: string) =>
    `${doing}: ${what}${code !== undefined ? ` (${code})` : ""}${message ? `: ${firstLine(message)}` : ""}`;
  const options = {
    cause: error,
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(code !== undefined ? { code } : {}),
  };

  const misconfigured = misconfiguration(statusCode, code, field(error, "name"));
  if (misconfigured !== undefined)
    return new StoreMisconfiguredError(
      `${doing}: ${misconfigured}${code !== undefined ? ` (${code}${statusCode !== undefined ? `, HTTP ${statusCode}` : ""})` : statusCode !== undefined ? ` (HTTP ${statusCode})` : ""}`,
      options,
    );
  if (statusCode === 404) return new NotFoundError(detail("not found"), options);
  if (statusCode === 409 || statusCode === 412) return new ConflictError(detail("conflict"), options);
  if (statusCode === 408 || statusCode === 429 || (statusCode !== undefined && statusCode >= 500))
    return new StoreUnavailableError(detail(`storage answered ${statusCode}`), options);
  if (statusCode === 413) return new EntityTooLargeError(detail("too large"), options);
  const name = field(error, "name");
  if (
    statusCode === undefined &&
    (networkCode(error) !== undefined || name === "AbortError" || name === "TimeoutError")
  )
    return new StoreUnavailableError(detail("storage unreachable"), options);
  return new StoreError(
    detail(statusCode !== undefined ? `storage answered ${statusCode}` : "failed"),
    options,
  );
}

/** Service codes of a request the service refuses for how Coalmine is set up, not for what it asked. */
const SETUP_CODES = new Set([
  "AuthenticationFailed",
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "InvalidAuthenticationInfo",
  "NoAuthenticationInformation",
  "InvalidHeaderValue",
  "UnsupportedHeader",
  "InvalidApiVersion",
  "AccountIsDisabled",
  "InsufficientAccountPermissions",
]);

function misconfiguration(
  statusCode: number | undefined,
  code: string | undefined,
  name: unknown,
): string | undefined {
  if (name === "CredentialUnavailableError" || name === "AuthenticationRequiredError")
    return "no credential for the storage account (managed identity unavailable)";
  if (statusCode === 401 || statusCode === 403 || (code !== undefined && code.startsWith("Authentication")))
    return "the storage account refused Coalmine's credentials (check the key, SAS or identity role in COALMINE_STORAGE)";
  if (code !== undefined && SETUP_CODES.has(code))
    return code === "InvalidHeaderValue" || code === "UnsupportedHeader" || code === "InvalidApiVersion"
      ? "the storage service does not support the API version Coalmine uses (update the emulator or service)"
      : "the storage account refused Coalmine's credentials (check COALMINE_STORAGE)";
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Runs one SDK call and rethrows its failure as a typed StoreError. */
export async function storeCall<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateStoreError(error, doing);
  }
}

/** True for a service 404 (before translation), for reads that treat absence as `undefined`. */
export function isNotFound(error: unknown): boolean {
  return field(error, "statusCode") === 404 || error instanceof NotFoundError;
}

/** A continuation token that this store did not issue, or issued for another query. */
export class InvalidContinuationTokenError extends StoreError {
  override readonly name: string = "InvalidContinuationTokenError";
}
