// The host's retry delay for callActivityWithRetry / callSubOrchestratorWithRetry (DurableTask.Core RetryInterceptor.ComputeNextDelay).
import type { WireRetryOptions } from "./orchestrator-actions";

/**
 * Delay in ms before the next attempt after attempt number `failedAttempt` (1-based) failed, or
 * `undefined` when the retry timeout has expired (the host then stops without a timer).
 *
 * DurableTask.Core: delay = firstRetryInterval × backoffCoefficient^(failedAttempt − 1), capped at
 * maxRetryInterval; zero (stop) once `now` ≥ firstAttemptAt + retryTimeout. The host computes a
 * delay after the last allowed attempt too, so the SDK sees one more timer before the task fails.
 */
export function retryDelayMs(
  options: WireRetryOptions,
  failedAttempt: number,
  firstAttemptAt: Date,
  now: Date,
): number | undefined {
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && timeout < Number.MAX_SAFE_INTEGER) {
    if (now.getTime() >= firstAttemptAt.getTime() + timeout) return undefined;
  }
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failedAttempt - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay > cap ? cap : delay;
}
