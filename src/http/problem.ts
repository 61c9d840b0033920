// application/problem+json (RFC 9457): problem documents, the error that carries one, and zod issues as JSON paths.
import type { z } from "zod";
import { InvalidAnalysisRequestError } from "../analysis/errors";
import { AzureDevOpsContextError } from "../notify/keep-azure-devops-context";
import {
  ConflictError,
  InvalidContinuationTokenError,
  InvalidKeyError,
  NotFoundError,
  StoreUnavailableError,
  PreconditionFailedError,
  StoreMisconfiguredError,
  translateStoreError,
} from "../store/errors";
import { StorageSettingsError } from "../store/storage-settings";
import { UnusableSettingError } from "../settings-error";
import type { ApiResponse, ValidationProblem } from "./api-types";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** RFC 9457 §3.1 members, plus `errors` (one entry per bad JSON path). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ValidationProblem[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A problem document; `type` is "about:blank" unless given (RFC 9457 §4.2.1). */
export function problem(
  status: number,
  detail?: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  return {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    ...(detail !== undefined ? { detail } : {}),
    ...extra,
  };
}

export function problemResponse(p: ProblemDetails, headers: Record<string, string> = {}): ApiResponse {
  return { status: p.status, headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers }, body: p };
}

/** Thrown by handlers for an expected failure; the router turns it into its problem response. */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;
  constructor(p: ProblemDetails, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(p.detail ?? p.title, options?.cause === undefined ? undefined : { cause: options.cause });
    this.problem = p;
    this.headers = options?.headers ?? {};
  }
}

export const badRequest = (detail: string, errors?: ValidationProblem[]): ProblemError =>
  new ProblemError(problem(400, detail, errors ? { errors } : {}));
export const notFound = (detail: string): ProblemError => new ProblemError(problem(404, detail));
export const conflict = (detail: string): ProblemError => new ProblemError(problem(409, detail));

/** `$.stages[0].interval` for a zod issue path (JSONPath, as in docs/http-api.md "Errors"). */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** One ValidationProblem per zod issue; unknown keys get one problem each, at their own path. */
export function zodProblems(error: z.ZodError, prefix: readonly PropertyKey[] = []): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: jsonPath([...base, key]), message: "unknown key" });
    } else {
      out.push({ path: jsonPath(base), message: issue.message });
    }
  }
  return out;
}

/** A 400 problem listing every problem with its JSON path. */
export function invalidBody(errors: ValidationProblem[], what = "request body"): ProblemError {
  const first = errors[0];
  const detail =
    errors.length === 1 && first
      ? `The ${what} is invalid: ${first.path}: ${first.message}`
      : `The ${what} has ${errors.length} problems`;
  return new ProblemError(problem(400, detail, { errors }));
}

/** A 400 problem listing every zod issue with its JSON path. */
export function validationError(error: z.ZodError, what = "request body"): ProblemError {
  return invalidBody(zodProblems(error), what);
}

/** Seconds a client should wait after a 503 from unavailable storage. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The one mapping from an error to the problem the client sees (used by the router, and by the Azure host for
 * the app it could not build): problems as thrown, invalid requests (400 with paths), storage conflicts, unknown
 * items, bad keys or continuation tokens, storage down (503 + Retry-After), an unusable app setting (503 naming
 * it), an unusable Azure DevOps context. Anything else is undefined: the router logs it and answers 500.
 */
export function toProblem(thrown: unknown): ProblemError | undefined {
  // An SDK error that escaped an adapter untranslated is still a storage error, not a 500.
  const error =
    (thrown as { name?: unknown } | null)?.name === "RestError"
      ? translateStoreError(thrown, "storage")
      : thrown;
  if (error instanceof ProblemError) return error;
  if (error instanceof InvalidAnalysisRequestError) return invalidBody(error.problems);
  // An app setting that cannot be used is the installation's fault, not the request's; the message names the
  // setting, never its value.
  if (error instanceof UnusableSettingError || error instanceof StorageSettingsError)
    return new ProblemError(problem(503, error.message), { cause: error });
  // Create-only writes (If-None-Match: *) that lost: 412; the store decided atomically.
  if (error instanceof PreconditionFailedError)
    return new ProblemError(problem(412, error.message), { cause: error });
  // Storage that refuses Coalmine itself: the cause (code and status), never a secret.
  if (error instanceof StoreMisconfiguredError)
    return new ProblemError(problem(503, `Storage is misconfigured: ${error.message}`), { cause: error });
  if (error instanceof ConflictError) return new ProblemError(problem(409, error.message), { cause: error });
  if (error instanceof NotFoundError) return new ProblemError(problem(404, error.message), { cause: error });
  if (error instanceof InvalidKeyError || error instanceof InvalidContinuationTokenError)
    return new ProblemError(problem(400, error.message), { cause: error });
  if (error instanceof StoreUnavailableError)
    return new ProblemError(problem(503, "Storage is unavailable; try again shortly"), {
      cause: error,
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    });
  if (error instanceof AzureDevOpsContextError) {
    return error.reason === "no-key"
      ? new ProblemError(problem(503, error.message), { cause: error })
      : new ProblemError(problem(400, error.message, { errors: error.problems }), { cause: error });
  }
  return undefined;
}
