// Structured log lines (one JSON object per line) that Application Insights can query: analysis id, stage, interval.
// Only whitelisted correlation fields and the caller's own figures are written, so inputs that might carry a
// secret (tokens, URLs with keys) never reach a log.

export interface LogContext {
  analysisId?: string;
  application?: string;
  stage?: number;
  interval?: number;
  metricIndex?: number;
}

const CORRELATION_KEYS = ["analysisId", "application", "stage", "interval", "metricIndex"] as const;

/** The correlation fields found in an activity or orchestration input (anything else is ignored). */
export function logContextOf(input: unknown): LogContext {
  const out: Record<string, unknown> = {};
  if (input && typeof input === "object") {
    const record = input as Record<string, unknown>;
    for (const key of CORRELATION_KEYS) {
      const v = record[key];
      if (typeof v === "string" || typeof v === "number") out[key] = v;
    }
    // judgeInterval/notify carry the stage as a number; setTrafficWeight as { index, name }.
    const stage = record["stage"];
    if (stage && typeof stage === "object" && typeof (stage as { index?: unknown }).index === "number")
      out["stage"] = (stage as { index: number }).index;
  }
  return out;
}

/** One log line: `{"event": …, "analysisId": …, "stage": …, "interval": …, …figures}`. */
export function logLine(
  event: string,
  context: LogContext,
  figures: Record<string, string | number | boolean | undefined> = {},
): string {
  const fields: Record<string, unknown> = { event, ...context };
  for (const [k, v] of Object.entries(figures)) if (v !== undefined && !(k in fields)) fields[k] = v;
  return JSON.stringify(fields);
}
