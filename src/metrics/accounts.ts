// Metric accounts from COALMINE_METRICS_ACCOUNTS: parse (inline JSON or @file) with path-naming errors, pick one per query, list without secrets.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { MetricsAccountsSchema, type MetricsAccount } from "../config/metrics-account.schema";
import { parseWithProblems, type ValidationProblem } from "../config/problems";
import type { QueryType } from "../config/query.schema";

export const METRICS_ACCOUNTS_SETTING = "COALMINE_METRICS_ACCOUNTS";

/** The accounts setting is unreadable or invalid, or a request names an account that cannot serve it. */
export class MetricsAccountError extends Error {
  override readonly name = "MetricsAccountError";
  /** An unusable account is permanent: retrying cannot fix it (src/analysis/ports/metric-source.ts). */
  readonly transient = false;
  constructor(
    message: string,
    readonly problems: ValidationProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parse the accounts JSON text (`source` names where it came from, for messages). */
export function parseMetricsAccounts(
  text: string,
  source: string = METRICS_ACCOUNTS_SETTING,
): MetricsAccount[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MetricsAccountError(`${source} is not JSON: ${(err as Error).message}`, [], { cause: err });
  }
  const parsed = parseWithProblems(MetricsAccountsSchema, json);
  if (!parsed.ok)
    throw new MetricsAccountError(
      `${source} is invalid:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`,
      parsed.problems,
    );
  return parsed.value;
}

/**
 * The accounts of the setting COALMINE_METRICS_ACCOUNTS (empty when it is unset), given its value as
 * src/app/settings.ts read it: a JSON array, or `@path/to/file.json` read relative to `cwd` (file accounts'
 * directories are relative to `cwd` too).
 */
export function loadMetricsAccounts(
  setting: string | undefined,
  cwd: string = process.cwd(),
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): MetricsAccount[] {
  const raw = setting?.trim();
  if (raw === undefined || raw === "") return [];
  if (raw.startsWith("@")) {
    const path = resolve(cwd, raw.slice(1));
    let text: string;
    try {
      text = read(path);
    } catch (err) {
      throw new MetricsAccountError(
        `${METRICS_ACCOUNTS_SETTING} points at '${path}', which cannot be read: ${(err as Error).message}`,
        [],
        { cause: err },
      );
    }
    return parseMetricsAccounts(text, `${METRICS_ACCOUNTS_SETTING} (${path})`);
  }
  return parseMetricsAccounts(raw);
}

/**
 * The account a metric's query goes to: the named one (its type must match the query's), or with no
 * name the only account of the query's type; otherwise an error naming the choices.
 */
export function resolveMetricsAccount(
  accounts: readonly MetricsAccount[],
  name: string | undefined,
  queryType: QueryType,
): MetricsAccount {
  if (name !== undefined) {
    const found = accounts.find((a) => a.name === name);
    if (!found)
      throw new MetricsAccountError(
        `no metrics account named '${name}' (configured: ${accounts.length > 0 ? accounts.map((a) => `'${a.name}'`).join(", ") : `none; set ${METRICS_ACCOUNTS_SETTING}`})`,
      );
    if (found.type !== queryType)
      throw new MetricsAccountError(
        `metrics account '${name}' is of type '${found.type}' and cannot run a '${queryType}' query`,
      );
    return found;
  }
  const ofType = accounts.filter((a) => a.type === queryType);
  if (ofType.length === 1 && ofType[0]) return ofType[0];
  if (ofType.length === 0)
    throw new MetricsAccountError(
      `no metrics account of type '${queryType}' (configured: ${accounts.length > 0 ? accounts.map((a) => `'${a.name}' (${a.type})`).join(", ") : `none; set ${METRICS_ACCOUNTS_SETTING}`})`,
    );
  throw new MetricsAccountError(
    `several metrics accounts of type '${queryType}': name one with metricsAccount (${ofType.map((a) => `'${a.name}'`).join(", ")})`,
  );
}

/** What `GET /api/metrics-accounts` shows: no setting names, no secrets. */
export interface MetricsAccountDescription {
  name: string;
  type: MetricsAccount["type"];
  endpoint?: string;
  description?: string;
  auth: string;
  workspaceId?: string;
  accountId?: string;
  /** Google Cloud project (stackdriver). */
  project?: string;
  /** InfluxDB database (influxdb). */
  database?: string;
}

const DEFAULT_AUTH: Record<MetricsAccount["type"], string> = {
  prometheus: "none",
  "azure-monitor-prometheus": "managed-identity",
  "log-analytics": "managed-identity",
  datadog: "api-key",
  newrelic: "api-key",
  file: "none",
  stackdriver: "service-account",
  graphite: "none",
  influxdb: "none",
  signalfx: "api-key",
  wavefront: "api-key",
};

export function describeAccounts(accounts: readonly MetricsAccount[]): MetricsAccountDescription[] {
  return accounts.map((a) => {
    const d: MetricsAccountDescription = {
      name: a.name,
      type: a.type,
      auth: "auth" in a && a.auth ? a.auth.type : DEFAULT_AUTH[a.type],
    };
    if (a.type !== "file" && a.endpoint !== undefined) d.endpoint = a.endpoint;
    if (a.description !== undefined) d.description = a.description;
    if (a.type === "log-analytics") d.workspaceId = a.workspaceId;
    if (a.type === "newrelic") d.accountId = String(a.accountId);
    if (a.type === "stackdriver") d.project = a.project;
    if (a.type === "influxdb") d.database = a.database;
    return d;
  });
}
