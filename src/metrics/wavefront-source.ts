// Wavefront adapter: Kayenta's `aggregate(ts(metricName, scope))`, the chart API (`GET /api/v2/chart/api`) with granularity and summarization, sparse points → gap-filled metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery } from "../config/query.schema";
import {
  endpointUrl,
  genericErrorMessage,
  CredentialedHttpMetricSource,
  SourceAnswerError,
  toNumber,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricScope, MetricSet } from "../analysis/ports/metric-source";

type WfAccount = Extract<MetricsAccount, { type: "wavefront" }>;
type WfQuery = Extract<MetricQuery, { type: "wavefront" }>;

/** Kayenta's WavefrontMetricsService.buildQuery: `ts(metricName[, scope])`, wrapped in `aggregate(…)` when set. */
export function buildWavefrontExpression(query: WfQuery, scope: MetricScope): string {
  let q = query.metricName;
  if (scope.scope !== "") q = `${q}, ${scope.scope}`;
  q = `ts(${q})`;
  if (query.aggregate !== undefined && query.aggregate !== "") q = `${query.aggregate}(${q})`;
  return q;
}

/** Kayenta's WavefrontCanaryScopeFactory: the coarsest of d, h, m, s that divides the step. */
export function wavefrontGranularity(stepSeconds: number): "d" | "h" | "m" | "s" {
  if (stepSeconds % 86_400 === 0) return "d";
  if (stepSeconds % 3600 === 0) return "h";
  if (stepSeconds % 60 === 0) return "m";
  return "s";
}

const SEPARATOR = " | ";

/** Its credentials: the API token, sent as a bearer token. */
export class WavefrontMetricSource extends CredentialedHttpMetricSource<WfAccount, string> {
  readonly sourceType = "wavefront" as const;

  private parts(request: MetricFetchRequest): { q: string; g: string; summarization?: string } {
    const q = this.queryOf(request, "wavefront");
    return {
      q: buildWavefrontExpression(q, request.scope),
      g: wavefrontGranularity(Math.max(1, Math.round(request.window.stepSeconds))),
      ...(q.summarization !== undefined ? { summarization: q.summarization } : {}),
    };
  }

  /** The expression, then the chart parameters that shape the values: `avg(ts(x, env=canary)) | g=m summarization=MEAN`. */
  buildQuery(request: MetricFetchRequest): string {
    const p = this.parts(request);
    return `${p.q}${SEPARATOR}g=${p.g}${p.summarization !== undefined ? ` summarization=${p.summarization}` : ""}`;
  }

  protected async prepare(_query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    const p = this.parts(request);
    return {
      method: "GET",
      url: endpointUrl((this.account as WfAccount).endpoint, "/api/v2/chart/api"),
      params: {
        n: "coalmine",
        q: p.q,
        s: Date.parse(request.window.start),
        e: Date.parse(request.window.end),
        g: p.g,
        ...(p.summarization !== undefined ? { summarization: p.summarization } : {}),
        listMode: "true",
        strict: "true",
        sorted: "true",
      },
      headers: { Authorization: `Bearer ${this.credentials}` },
    };
  }

  /** Wavefront's errors: `{ status: { result: "ERROR", message, code } }` or `{ message }`. */
  protected override errorMessageOf(body: unknown): string | undefined {
    if (typeof body === "object" && body !== null) {
      const status = (body as { status?: { message?: unknown } }).status;
      if (status && typeof status.message === "string") return status.message;
    }
    return genericErrorMessage(body);
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseWavefrontChart(
      response.body,
      request.metric.name,
      Math.max(1, Math.round(request.window.stepSeconds)),
    );
  }
}

/**
 * A chart API answer → one set per `timeseries[]` entry with data, tagged with its point tags
 * (Kayenta's WavefrontTimeSeries): the sparse `[epoch s, value]` points are laid on the step grid from
 * the first to the last point, NaN where a step has no point. No `timeseries` is no data.
 */
export function parseWavefrontChart(body: unknown, name: string, stepSeconds: number): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { timeseries?: unknown; errorType?: unknown; errorMessage?: unknown };
  if (typeof b.errorMessage === "string" && b.errorMessage !== "")
    throw new SourceAnswerError(b.errorMessage);
  if (b.timeseries === undefined || b.timeseries === null) return [];
  if (!Array.isArray(b.timeseries)) throw new SourceAnswerError("timeseries is not an array");
  const sets: MetricSet[] = [];
  b.timeseries.forEach((raw: unknown, i) => {
    const s = raw as { tags?: unknown; data?: unknown };
    if (!Array.isArray(s.data)) throw new SourceAnswerError(`timeseries[${i}] has no data array`);
    const points = (s.data as unknown[]).map((p) => {
      if (!Array.isArray(p) || p.length < 2)
        throw new SourceAnswerError(`timeseries[${i}].data holds a point that is not [time, value]`);
      return [Number(p[0]), toNumber(p[1])] as const;
    });
    if (points.length === 0) return;
    points.sort((x, y) => x[0] - y[0]);
    const byTime = new Map(points.map((p) => [p[0], p[1]]));
    const first = points[0]?.[0] ?? 0;
    const last = points[points.length - 1]?.[0] ?? 0;
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = first; t <= last; t += stepSeconds) {
      timestamps.push(t * 1000);
      values.push(byTime.get(t) ?? NaN);
    }
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries((s.tags ?? {}) as Record<string, unknown>)) tags[k] = String(v);
    sets.push({ name, tags, timestamps, values });
  });
  return sets;
}
