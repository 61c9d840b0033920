// The PromQL Kayenta builds for a metric and scope (PrometheusMetricsService.buildQuery, docs/kayenta-rules.md §6).
import type { CanaryConfig } from "../config/canary-config.schema";
import type { MetricScope } from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";
import { expandCustomFilter, expandForMetric } from "./template";

/** The query fields both Prometheus query types share. */
export interface PromQueryFields {
  metricName?: string | undefined;
  resourceType?: string | undefined;
  labelBindings?: string[] | undefined;
  groupByFields?: string[] | undefined;
  customInlineTemplate?: string | undefined;
  customFilterTemplate?: string | undefined;
}

export const PROMQL_PREFIX = "PromQL:";

/**
 * Kayenta's rules: an expanded filter starting with `PromQL:` is the whole query; otherwise
 * `avg(metricName{filters})` with the filter comma-split (tokens not trimmed) before the
 * labelBindings, or the gce_instance / aws_ec2_instance matchers, and ` by (groupByFields)`.
 * `scopeLabel` is `kayenta.prometheus.scope-label` (default `instance`).
 */
export function buildPrometheusQuery(
  config: Pick<CanaryConfig, "templates">,
  query: PromQueryFields,
  scope: MetricScope,
  metricLabel: string,
  scopeLabel = "instance",
): string {
  const resourceType =
    query.resourceType !== undefined && query.resourceType !== ""
      ? query.resourceType
      : scope.extendedScopeParams?.["resourceType"];
  const customFilter = expandForMetric(metricLabel, () =>
    expandCustomFilter(config, { ...query, resourceType }, scope),
  );
  if (customFilter?.startsWith(PROMQL_PREFIX)) return customFilter.slice(PROMQL_PREFIX.length);

  const metricName = query.metricName;
  if (metricName === undefined || metricName === "")
    throw new QueryBuildError(
      `metric '${metricLabel}': metricName is required unless the custom filter starts with 'PromQL:'`,
    );
  let filters = [...(query.labelBindings ?? [])];
  const location = scope.location;
  if (customFilter !== undefined && customFilter !== "") {
    filters = [...customFilter.split(","), ...filters];
  } else if (resourceType === "gce_instance") {
    if (location === undefined || location === "")
      throw new QueryBuildError(
        `metric '${metricLabel}': location is required for resourceType gce_instance`,
      );
    if (scope.scope !== "") filters.push(`${scopeLabel}=~"${scope.scope}-.{4}"`);
    const project = scope.extendedScopeParams?.["project"];
    const projectPart = project ? `projects/${project}/` : "";
    filters.push(`zone=~".+/${projectPart}zones/${location}-.{1}"`);
  } else if (resourceType === "aws_ec2_instance") {
    if (location === undefined || location === "")
      throw new QueryBuildError(
        `metric '${metricLabel}': location is required for resourceType aws_ec2_instance`,
      );
    if (scope.scope !== "") filters.push(`asg_groupName="${scope.scope}"`);
    filters.push(`zone=~"${location}.{1}"`);
  } else if (resourceType !== undefined && resourceType !== "") {
    throw new QueryBuildError(
      `metric '${metricLabel}': There is no explicit support for resourceType '${resourceType}'. ` +
        "Your best bet is to use a custom filter template (customInlineTemplate).",
    );
  } else {
    throw new QueryBuildError(
      `metric '${metricLabel}': Either a resource type or a custom filter is required ` +
        "(set customInlineTemplate, customFilterTemplate or resourceType).",
    );
  }
  const selector = filters.length > 0 ? `${metricName}{${filters.join(",")}}` : metricName;
  const groupBy = query.groupByFields ?? [];
  return `avg(${selector})${groupBy.length > 0 ? ` by (${groupBy.join(",")})` : ""}`;
}
