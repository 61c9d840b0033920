// Opaque listing continuation tokens: the partition listed and the last row key returned (base64url JSON).
import { InvalidContinuationTokenError } from "./errors";

interface TokenBody {
  /** Listing partition the token belongs to. */
  p: string;
  /** Last row key already returned; the next page starts after it. */
  r: string;
}

export function encodeContinuationToken(partition: string, lastRowKey: string): string {
  const body: TokenBody = { p: partition, r: lastRowKey };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

/** The row key to continue after; the token must have been issued for the same partition. */
export function decodeContinuationToken(token: string, partition: string): string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (error) {
    throw new InvalidContinuationTokenError("continuation token is malformed", { cause: error });
  }
  const { p, r } = (typeof body === "object" && body !== null ? body : {}) as Partial<TokenBody>;
  if (typeof p !== "string" || typeof r !== "string")
    throw new InvalidContinuationTokenError("continuation token is malformed");
  if (p !== partition)
    throw new InvalidContinuationTokenError(
      "continuation token belongs to a different listing (application changed?)",
    );
  return r;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** The page size asked for, clamped to 1..1000 (the Table service's own maximum page). */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}
