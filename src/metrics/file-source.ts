// Recorded series from JSON files (demo, tests, offline re-judging): filter by metric, scope and window; paths stay inside the account's directory.
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { z } from "zod";
import type { MetricsAccount } from "../config/metrics-account.schema";
import { jsonPath, parseWithProblems } from "../config/problems";
import { toNumber } from "./http-source-base";
import { MetricSourceError } from "./metric-source-error";
import type {
  MetricFetchRequest,
  MetricFetchResult,
  MetricSet,
  MetricSource,
} from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";

const TimeSchema = z.union([z.string().min(1), z.number()]);
const ValueSchema = z.union([z.number(), z.null(), z.enum(["NaN", "Infinity", "-Infinity", "+Inf", "-Inf"])]);

export const RecordedSeriesSchema = z
  .strictObject({
    metric: z.string().min(1),
    scope: z.string().min(1),
    location: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    /** Seconds between values (used with start + values). */
    step: z.number().positive().optional(),
    /** `[time, value]` pairs; time is an ISO 8601 instant or epoch (seconds below 1e11, else milliseconds). */
    points: z.array(z.tuple([TimeSchema, ValueSchema])).optional(),
    /** Compact form: the first value's time, with `step` and `values`. */
    start: TimeSchema.optional(),
    values: z.array(ValueSchema).optional(),
  })
  .refine((s) => (s.points !== undefined) !== (s.values !== undefined), {
    error: "give either points or start + step + values",
  })
  .refine((s) => s.values === undefined || (s.start !== undefined && s.step !== undefined), {
    error: "values need start and step",
  });

export const RecordedSeriesFileSchema = z.strictObject({
  description: z.string().optional(),
  series: z.array(RecordedSeriesSchema),
});
export type RecordedSeriesFile = z.infer<typeof RecordedSeriesFileSchema>;

export const DEFAULT_SERIES_FILE = "series.json";
type FileAccount = Extract<MetricsAccount, { type: "file" }>;

/** Epoch ms of a recorded time: ISO text, or a number (seconds when below 1e11, else milliseconds). */
export function recordedTime(t: string | number): number {
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  return /^\d+(\.\d+)?$/.test(t) ? recordedTime(Number(t)) : Date.parse(t);
}

/** Parsed files by real path, for the whole process: a source is made per fetch, a file is parsed once per change. */
const parsedFiles = new Map<string, { mtimeMs: number; file: RecordedSeriesFile }>();

export class FileMetricSource implements MetricSource {
  readonly sourceType = "file" as const;
  private readonly directory: string;

  constructor(
    readonly account: FileAccount,
    cwd: string = process.cwd(),
  ) {
    this.directory = resolve(cwd, account.endpoint);
  }

  private parts(request: MetricFetchRequest): { path: string; metric: string } {
    const q = request.metric.query;
    if (q.type !== "file")
      throw new QueryBuildError(
        `metric '${request.metric.name}': query type '${q.type}' cannot be read from file account '${this.account.name}'`,
      );
    return {
      path: q.path ?? this.account.file ?? DEFAULT_SERIES_FILE,
      metric: q.metricName ?? request.metric.name,
    };
  }

  buildQuery(request: MetricFetchRequest): string {
    const { path, metric } = this.parts(request);
    const { scope, location } = request.scope;
    const where = location !== undefined && location !== "" ? ` location=${JSON.stringify(location)}` : "";
    return `${path}: metric=${JSON.stringify(metric)} scope=${JSON.stringify(scope)}${where} [${request.window.start}, ${request.window.end})`;
  }

  async fetch(request: MetricFetchRequest): Promise<MetricFetchResult> {
    let query: string;
    try {
      query = this.buildQuery(request);
    } catch (err) {
      if (err instanceof QueryBuildError) throw this.error("(not built)", err.message, err);
      throw err;
    }
    const { path, metric } = this.parts(request);
    const file = await this.load(path, query);
    const start = Date.parse(request.window.start);
    const end = Date.parse(request.window.end);
    const { scope, location } = request.scope;
    const sets: MetricSet[] = [];
    for (const s of file.series) {
      if (s.metric !== metric || s.scope !== scope) continue;
      if (s.location !== undefined && location !== undefined && location !== "" && s.location !== location)
        continue;
      const first = recordedTime(s.start ?? 0);
      const stepMs = (s.step ?? 0) * 1000;
      const points: [number, number][] =
        s.points !== undefined
          ? s.points.map(([t, v]) => [recordedTime(t), toNumber(v)])
          : (s.values ?? []).map((v, i) => [first + i * stepMs, toNumber(v)]);
      const inWindow = points.filter(([t]) => t >= start && t < end).sort((a, b) => a[0] - b[0]);
      sets.push({
        name: request.metric.name,
        tags: { ...(s.tags ?? {}) },
        timestamps: inWindow.map((p) => p[0]),
        values: inWindow.map((p) => p[1]),
      });
    }
    return { query, sets: sets.filter((s) => s.values.length > 0) };
  }

  private error(query: string, sourceMessage: string, cause?: unknown): MetricSourceError {
    return new MetricSourceError(
      { sourceType: "file", account: this.account.name, query, sourceMessage, transient: false },
      cause !== undefined ? { cause } : undefined,
    );
  }

  /** Resolve `path` inside the account directory (no `..`, absolute path or symlink escape) and parse it. */
  private async load(path: string, query: string): Promise<RecordedSeriesFile> {
    const full = resolve(this.directory, path);
    const rel = relative(this.directory, full);
    if (isAbsolute(path) || rel === "" || rel.startsWith("..") || isAbsolute(rel))
      throw this.error(query, `path '${path}' leaves the account directory`);
    let real: string;
    let mtimeMs: number;
    try {
      const [realDir, realFile] = await Promise.all([realpath(this.directory), realpath(full)]);
      if (realFile !== realDir && !realFile.startsWith(realDir + sep))
        throw this.error(query, `path '${path}' leaves the account directory (through a link)`);
      real = realFile;
      mtimeMs = (await stat(real)).mtimeMs;
    } catch (err) {
      if (err instanceof MetricSourceError) throw err;
      throw this.error(
        query,
        `cannot read '${path}' in the account directory: ${(err as Error).message}`,
        err,
      );
    }
    const cached = parsedFiles.get(real);
    if (cached && cached.mtimeMs === mtimeMs) return cached.file;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(real, "utf8"));
    } catch (err) {
      throw this.error(query, `'${path}' is not JSON: ${(err as Error).message}`, err);
    }
    const parsed = parseWithProblems(RecordedSeriesFileSchema, json);
    if (!parsed.ok)
      throw this.error(
        query,
        `'${path}' is not a recorded-series file: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
      );
    parsed.value.series.forEach((s, i) => {
      for (const [j, p] of (s.points ?? []).entries())
        if (Number.isNaN(recordedTime(p[0])))
          throw this.error(query, `'${path}' ${jsonPath(["series", i, "points", j, 0])}: not a time`);
    });
    parsedFiles.set(real, { mtimeMs, file: parsed.value });
    return parsed.value;
  }
}
