// Metric query schemas, one per source type (Kayenta's CanaryMetricSetQueryConfig, discriminated by `type`).
import { z } from "zod";

const templated = {
  /** Inline filter template; `PromQL:` prefix means a whole expression (Prometheus types). */
  customInlineTemplate: z.string().optional(),
  /** Name of an entry in the config's `templates`. */
  customFilterTemplate: z.string().optional(),
};

const promFields = {
  metricName: z.string().min(1).optional(),
  resourceType: z.string().optional(),
  labelBindings: z.array(z.string()).optional(),
  groupByFields: z.array(z.string()).optional(),
  /** Deprecated in Kayenta and rejected there too: use customInlineTemplate. */
  customFilter: z.never({ error: "customFilter is deprecated: use customInlineTemplate" }).optional(),
  /** Jackson writes the derived serviceType when Kayenta exports a config; accepted and ignored. */
  serviceType: z.string().optional(),
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
  query: z.string().min(1),
  timeColumn: z.string().optional(),
  valueColumn: z.string().optional(),
  tagColumns: z.array(z.string()).optional(),
  serviceType: z.string().optional(),
});
export const DatadogQuerySchema = z.strictObject({
  type: z.literal("datadog"),
  metricName: z.string().min(1).optional(),
  serviceType: z.string().optional(),
  ...templated,
});
export const NewRelicQuerySchema = z.strictObject({
  type: z.literal("newrelic"),
  /** NRQL SELECT clause, e.g. `SELECT average(duration) FROM Transaction`. */
  select: z.string().min(1),
  /** Extra NRQL WHERE condition. */
  q: z.string().optional(),
  serviceType: z.string().optional(),
  ...templated,
});
export const FileQuerySchema = z.strictObject({
  type: z.literal("file"),
  /** Series name inside the recorded file; defaults to the metric's name. */
  metricName: z.string().min(1).optional(),
  /** Recorded-series file, relative to the file account's endpoint directory. */
  path: z.string().min(1).optional(),
  serviceType: z.string().optional(),
});

export const QuerySchema = z.discriminatedUnion("type", [
  PrometheusQuerySchema,
  AzureMonitorPrometheusQuerySchema,
  LogAnalyticsQuerySchema,
  DatadogQuerySchema,
  NewRelicQuerySchema,
  FileQuerySchema,
]);
export type MetricQuery = z.infer<typeof QuerySchema>;
export type QueryType = MetricQuery["type"];
export const QUERY_TYPES: QueryType[] = QuerySchema.options.map((o) => o.shape.type.value);
