// Kayenta's InfluxDbQueryBuilder rules on an influxdb query (measurement or whole statement, required placeholders, blocked statements), shared by validation and the adapter.

/** The placeholders a customInlineTemplate statement must hold (Kayenta accepts them escaped as `$\{…}` too). */
export const INFLUXDB_REQUIRED_PLACEHOLDERS = ["scope", "timeFilter"] as const;

/**
 * Text Kayenta refuses anywhere in an InfluxQL query: statements that read metadata or other data, and
 * `;` / `--`, which would chain a second statement or comment out the time filter.
 */
export const INFLUXDB_BLOCKED_TEXT = [
  "SHOW CONTINUOUS QUERIES",
  "SHOW DATABASES",
  "SHOW DIAGNOSTICS",
  "SHOW FIELD",
  "SHOW TAG",
  "SHOW USERS",
  "SHOW GRANTS",
  "SHOW MEASUREMENT",
  "SHOW QUERIES",
  "SHOW RETENTION POLICIES",
  "SHOW SERIES",
  "SHOW SHARD",
  "SHOW STATS",
  "SHOW SUBSCRIPTIONS",
  ";",
  "--",
] as const;

/** The first blocked text in `query`, if any. */
export function influxdbBlockedText(query: string): string | undefined {
  return INFLUXDB_BLOCKED_TEXT.find((b) => query.includes(b));
}

export const hasPlaceholder = (text: string, name: string): boolean =>
  text.includes(`\${${name}}`) || text.includes(`$\\{${name}}`);

export interface InfluxdbQueryFields {
  metricName?: string | undefined;
  customInlineTemplate?: string | undefined;
}

/** What is wrong with an influxdb query on its own, each with the query field it concerns. */
export function influxdbQueryProblems(
  q: InfluxdbQueryFields,
): { field: "metricName" | "customInlineTemplate"; message: string }[] {
  const inline = q.customInlineTemplate;
  if (inline === undefined || inline === "") {
    return q.metricName === undefined || q.metricName === ""
      ? [
          {
            field: "metricName",
            message: "is required (the measurement) unless customInlineTemplate holds the statement",
          },
        ]
      : [];
  }
  const problems: { field: "customInlineTemplate"; message: string }[] = [];
  for (const name of INFLUXDB_REQUIRED_PLACEHOLDERS)
    if (!hasPlaceholder(inline, name))
      problems.push({ field: "customInlineTemplate", message: `must contain \${${name}}` });
  const blocked = influxdbBlockedText(inline);
  if (blocked !== undefined)
    problems.push({
      field: "customInlineTemplate",
      message: `'${blocked}' is not allowed in an InfluxQL query (one SELECT statement only)`,
    });
  return problems;
}
