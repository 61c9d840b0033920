// Metric query schemas, one per source type (Kayenta's CanaryMetricSetQueryConfig, discriminated by `type`).
import { z } from "zod";
import { LIMITS, RelativePathSchema, boundedArray, nameString, queryString, textString } from "./limits";

const templated = {
  /** Inline filter template; `PromQL:` prefix means a whole expression (Prometheus types). */
  customInlineTemplate: queryString().optional(),
  /** Name of an entry in the config's `templates`. */
  customFilterTemplate: z.string().max(LIMITS.nameLength).optional(),
};

const promFields = {
  metricName: queryString().min(1).optional(),
  /** Deck writes an empty string when none is chosen; Kayenta treats it as absent. */
  resourceType: textString().optional(),
  labelBindings: boundedArray(queryString()).optional(),
  groupByFields: boundedArray(nameString()).optional(),
  /** Deprecated in Kayenta and rejected there too: use customInlineTemplate. */
  customFilter: z.never({ error: "customFilter is deprecated: use customInlineTemplate" }).optional(),
  /** Jackson writes the derived serviceType when Kayenta exports a config; accepted and ignored. */
  serviceType: nameString().optional(),
  ...templated,
};

export const PrometheusQuerySchema = z.strictObject({ type: z.literal("prometheus"), ...promFields });
export const AzureMonitorPrometheusQuerySchema = z.strictObject({
  type: z.literal("azure-monitor-prometheus"),
  ...promFields,
});
export const LogAnalyticsQuerySchema = z.strictObject({
  type: z.literal("log-analytics"),
  /** KQL with `${scope}`, `${location}` and extendedScopeParams variables. */
  query: queryString().min(1),
  timeColumn: nameString().optional(),
  valueColumn: nameString().optional(),
  tagColumns: boundedArray(nameString()).optional(),
  serviceType: nameString().optional(),
});
export const DatadogQuerySchema = z.strictObject({
  type: z.literal("datadog"),
  metricName: queryString().min(1).optional(),
  serviceType: nameString().optional(),
  ...templated,
});
export const NewRelicQuerySchema = z.strictObject({
  type: z.literal("newrelic"),
  /** NRQL SELECT clause, e.g. `SELECT average(duration) FROM Transaction`. */
  select: queryString().min(1),
  /** Extra NRQL WHERE condition. */
  q: queryString().optional(),
  serviceType: nameString().optional(),
  ...templated,
});
export const FileQuerySchema = z.strictObject({
  type: z.literal("file"),
  /** Series name inside the recorded file; defaults to the metric's name. */
  metricName: nameString().optional(),
  /** Recorded-series file, relative to the file account's endpoint directory (cannot leave it). */
  path: RelativePathSchema.optional(),
  serviceType: nameString().optional(),
});

/** Cloud Monitoring aligners and reducers (projects.timeSeries.list `aggregation`). */
export const STACKDRIVER_ALIGNERS = [
  "ALIGN_NONE",
  "ALIGN_DELTA",
  "ALIGN_RATE",
  "ALIGN_INTERPOLATE",
  "ALIGN_NEXT_OLDER",
  "ALIGN_MIN",
  "ALIGN_MAX",
  "ALIGN_MEAN",
  "ALIGN_COUNT",
  "ALIGN_SUM",
  "ALIGN_STDDEV",
  "ALIGN_COUNT_TRUE",
  "ALIGN_COUNT_FALSE",
  "ALIGN_FRACTION_TRUE",
  "ALIGN_PERCENTILE_99",
  "ALIGN_PERCENTILE_95",
  "ALIGN_PERCENTILE_50",
  "ALIGN_PERCENTILE_05",
  "ALIGN_PERCENT_CHANGE",
] as const;
export const STACKDRIVER_REDUCERS = [
  "REDUCE_NONE",
  "REDUCE_MEAN",
  "REDUCE_MIN",
  "REDUCE_MAX",
  "REDUCE_SUM",
  "REDUCE_STDDEV",
  "REDUCE_COUNT",
  "REDUCE_COUNT_TRUE",
  "REDUCE_COUNT_FALSE",
  "REDUCE_FRACTION_TRUE",
  "REDUCE_PERCENTILE_99",
  "REDUCE_PERCENTILE_95",
  "REDUCE_PERCENTILE_50",
  "REDUCE_PERCENTILE_05",
] as const;

/** Kayenta's StackdriverCanaryMetricSetQueryConfig (Google Cloud Monitoring). */
export const StackdriverQuerySchema = z.strictObject({
  type: z.literal("stackdriver"),
  /** e.g. `compute.googleapis.com/instance/cpu/utilization`. */
  metricType: z.string().min(1),
  /** Monitored resource type (gce_instance, k8s_container, …); else extendedScopeParams.resourceType. */
  resourceType: z.string().optional(),
  crossSeriesReducer: z.enum(STACKDRIVER_REDUCERS).optional(),
  perSeriesAligner: z.enum(STACKDRIVER_ALIGNERS).optional(),
  groupByFields: z.array(z.string().min(1)).optional(),
  customFilter: z.never({ error: "customFilter is deprecated: use customInlineTemplate" }).optional(),
  serviceType: z.string().optional(),
  ...templated,
});
/** Kayenta's GraphiteCanaryMetricSetQueryConfig: the render target, `$scope` and `$location` replaced. */
export const GraphiteQuerySchema = z.strictObject({
  type: z.literal("graphite"),
  metricName: z.string().min(1),
  serviceType: z.string().optional(),
});
/** Kayenta's InfluxdbCanaryMetricSetQueryConfig (InfluxQL over the 1.x `/query` API). */
export const InfluxdbQuerySchema = z.strictObject({
  type: z.literal("influxdb"),
  /** The measurement; required unless customInlineTemplate holds the whole statement. */
  metricName: z.string().min(1).optional(),
  /** Field keys to select (default `*::field`). */
  fields: z.array(z.string().min(1)).optional(),
  /** A whole InfluxQL SELECT with `${scope}` and `${timeFilter}` (and optionally `${step}`). */
  customInlineTemplate: z.string().optional(),
  serviceType: z.string().optional(),
});
/** Kayenta's QueryPair: a dimension, property or tag filter (`!key` negates, `a,b` is any of). */
export const SignalFxQueryPairSchema = z.strictObject({ key: z.string().min(1), value: z.string() });
/** Kayenta's SignalFxCanaryMetricSetQueryConfig (a SignalFlow program). */
export const SignalFxQuerySchema = z.strictObject({
  type: z.literal("signalfx"),
  /** Required unless a custom template holds the whole program. */
  metricName: z.string().min(1).optional(),
  queryPairs: z.array(SignalFxQueryPairSchema).optional(),
  /** SignalFlow stream method (mean, sum, max, percentile…; default mean). */
  aggregationMethod: z
    .string()
    .regex(/^[a-z_]+$/, "must be a SignalFlow stream method such as mean, sum or max")
    .optional(),
  serviceType: z.string().optional(),
  ...templated,
});
/** Wavefront chart API summarizations. */
export const WAVEFRONT_SUMMARIZATIONS = [
  "MEAN",
  "MEDIAN",
  "MIN",
  "MAX",
  "SUM",
  "COUNT",
  "LAST",
  "FIRST",
] as const;
/** Kayenta's WavefrontCanaryMetricSetQueryConfig (chart API, `ts()` expression). */
export const WavefrontQuerySchema = z.strictObject({
  type: z.literal("wavefront"),
  metricName: z.string().min(1),
  /** How points in one granularity bucket are combined (Wavefront's default MEAN). */
  summarization: z.enum(WAVEFRONT_SUMMARIZATIONS).optional(),
  /** Aggregation function around `ts()` (avg, sum, max, …); empty for none. */
  aggregate: z
    .string()
    .regex(/^[A-Za-z_]*$/, "must be a Wavefront aggregation function such as avg or sum")
    .optional(),
  serviceType: z.string().optional(),
});

export const QuerySchema = z.discriminatedUnion("type", [
  PrometheusQuerySchema,
  AzureMonitorPrometheusQuerySchema,
  LogAnalyticsQuerySchema,
  DatadogQuerySchema,
  NewRelicQuerySchema,
  FileQuerySchema,
  StackdriverQuerySchema,
  GraphiteQuerySchema,
  InfluxdbQuerySchema,
  SignalFxQuerySchema,
  WavefrontQuerySchema,
]);
export type MetricQuery = z.infer<typeof QuerySchema>;
export type QueryType = MetricQuery["type"];
export const QUERY_TYPES: QueryType[] = QuerySchema.options.map((o) => o.shape.type.value);
