// The one error every metric source throws: which source and account, the final query, the source's own words, and whether to retry.
export interface MetricSourceErrorDetails {
  /** Query type of the source (`prometheus`, `log-analytics`, …). */
  sourceType: string;
  /** Name of the metrics account (from COALMINE_METRICS_ACCOUNTS). */
  account: string;
  /** The final query text sent (or that would have been sent). */
  query: string;
  /** What the source itself said (its error field, or a short excerpt of the body). */
  sourceMessage: string;
  /** True for 408, 429, 5xx, timeouts and network errors: retrying later may succeed. */
  transient: boolean;
  /** HTTP status, when there was an answer. */
  status?: number | undefined;
  /** Attempts made before giving up. */
  attempts?: number | undefined;
}

export class MetricSourceError extends Error {
  override readonly name = "MetricSourceError";
  readonly sourceType: string;
  readonly account: string;
  readonly query: string;
  readonly sourceMessage: string;
  readonly transient: boolean;
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(details: MetricSourceErrorDetails, options?: { cause?: unknown }) {
    const status = details.status !== undefined ? `HTTP ${details.status}: ` : "";
    const attempts = details.attempts ?? 1;
    const tries = attempts === 0 ? "not sent" : attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    super(
      `${details.sourceType} account '${details.account}' failed (${details.transient ? "transient" : "permanent"}, ` +
        `${tries}): ${status}${details.sourceMessage} — query: ${details.query}`,
      options,
    );
    this.sourceType = details.sourceType;
    this.account = details.account;
    this.query = details.query;
    this.sourceMessage = details.sourceMessage;
    this.transient = details.transient;
    this.status = details.status;
    this.attempts = attempts;
  }

  /** A plain-JSON form for activity results and stored reasons. */
  toJSON(): MetricSourceErrorDetails & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      sourceType: this.sourceType,
      account: this.account,
      query: this.query,
      sourceMessage: this.sourceMessage,
      transient: this.transient,
      status: this.status,
      attempts: this.attempts,
    };
  }
}

/** A query that cannot be built from its config (missing metricName, unknown template variable, …): a permanent problem. */
export class QueryBuildError extends Error {
  override readonly name = "QueryBuildError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
