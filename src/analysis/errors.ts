// Errors of the analysis service: a request that cannot start (with every problem and its JSON path).
export interface RequestProblem {
  path: string;
  message: string;
}

/** The analysis request is invalid: HTTP 400 problem+json, CLI exit 64. */
export class InvalidAnalysisRequestError extends Error {
  override readonly name = "InvalidAnalysisRequestError";
  constructor(
    readonly problems: RequestProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid analysis request:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`,
      options,
    );
  }
}
