// Metric accounts (COALMINE_METRICS_ACCOUNTS): where each metric source lives and how to reach it; secrets only by setting name.
import { z } from "zod";

const SettingNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, "must be the name of an app setting (letters, digits, _ . : -)");

export const BasicAuthSchema = z.strictObject({
  type: z.literal("basic"),
  usernameSetting: SettingNameSchema,
  passwordSetting: SettingNameSchema,
});
export const BearerAuthSchema = z.strictObject({
  type: z.literal("bearer"),
  tokenSetting: SettingNameSchema,
});
export const ManagedIdentityAuthSchema = z.strictObject({
  type: z.literal("managed-identity"),
  /** Setting holding a user-assigned identity's client id; absent = DefaultAzureCredential's choice. */
  clientIdSetting: SettingNameSchema.optional(),
});
export const ApiKeyAuthSchema = z.strictObject({
  type: z.literal("api-key"),
  apiKeySetting: SettingNameSchema,
  /** Datadog's application key. */
  appKeySetting: SettingNameSchema.optional(),
});
/** InfluxDB's `Authorization: Token …` (2.x and its 1.x-compatible /query). */
export const TokenAuthSchema = z.strictObject({
  type: z.literal("token"),
  tokenSetting: SettingNameSchema,
});
/** A Google service-account key (the JSON file's text) held in a setting: exchanged for an OAuth2 token. */
export const ServiceAccountAuthSchema = z.strictObject({
  type: z.literal("service-account"),
  keySetting: SettingNameSchema,
});
export const AccountAuthSchema = z.discriminatedUnion("type", [
  BasicAuthSchema,
  BearerAuthSchema,
  ManagedIdentityAuthSchema,
  ApiKeyAuthSchema,
  TokenAuthSchema,
  ServiceAccountAuthSchema,
]);

const AccountNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "account name may hold letters, digits, _ . - (1-64)");

const HttpEndpointSchema = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
    error: "must not carry credentials (user:password@): reference them with auth.*Setting",
  });

const common = {
  name: AccountNameSchema,
  description: z.string().optional(),
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  /** Attempts per query, including the first (default 8). */
  maxAttempts: z.number().int().min(1).max(20).optional(),
};

const promAuth = z.discriminatedUnion("type", [BasicAuthSchema, BearerAuthSchema]);

export const PrometheusAccountSchema = z.strictObject({
  type: z.literal("prometheus"),
  endpoint: HttpEndpointSchema,
  auth: promAuth.optional(),
  /** Label the gce_instance resource type matches the scope against (Kayenta's scope-label). */
  scopeLabel: z.string().min(1).optional(),
  ...common,
});
export const AzureMonitorPrometheusAccountSchema = z.strictObject({
  type: z.literal("azure-monitor-prometheus"),
  /** The Azure Monitor workspace's query endpoint, e.g. https://<ws>.<region>.prometheus.monitor.azure.com */
  endpoint: HttpEndpointSchema,
  auth: ManagedIdentityAuthSchema.optional(),
  scopeLabel: z.string().min(1).optional(),
  ...common,
});
export const LogAnalyticsAccountSchema = z.strictObject({
  type: z.literal("log-analytics"),
  /** Default https://api.loganalytics.io */
  endpoint: HttpEndpointSchema.optional(),
  workspaceId: z.string().min(1),
  auth: ManagedIdentityAuthSchema.optional(),
  ...common,
});
export const DatadogAccountSchema = z.strictObject({
  type: z.literal("datadog"),
  /** Default https://api.datadoghq.com (use your site, e.g. https://api.datadoghq.eu). */
  endpoint: HttpEndpointSchema.optional(),
  auth: ApiKeyAuthSchema.extend({ appKeySetting: SettingNameSchema }),
  ...common,
});
export const NewRelicAccountSchema = z.strictObject({
  type: z.literal("newrelic"),
  /** Default https://api.newrelic.com (EU: https://api.eu.newrelic.com); NerdGraph is `/graphql`. */
  endpoint: HttpEndpointSchema.optional(),
  accountId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, "must be a number")]),
  auth: ApiKeyAuthSchema,
  ...common,
});
export const StackdriverAccountSchema = z.strictObject({
  type: z.literal("stackdriver"),
  /** The Google Cloud project whose time series are listed (`projects/{project}/timeSeries`). */
  project: z.string().regex(/^[a-z][-a-z0-9.:]{3,61}[a-z0-9]$/, "must be a Google Cloud project id"),
  /** Default https://monitoring.googleapis.com */
  endpoint: HttpEndpointSchema.optional(),
  auth: ServiceAccountAuthSchema,
  ...common,
});
export const GraphiteAccountSchema = z.strictObject({
  type: z.literal("graphite"),
  /** graphite-web's base URL (the render API is `/render`). */
  endpoint: HttpEndpointSchema,
  auth: promAuth.optional(),
  ...common,
});
export const InfluxdbAccountSchema = z.strictObject({
  type: z.literal("influxdb"),
  /** InfluxDB's base URL (the InfluxQL API is `/query`). */
  endpoint: HttpEndpointSchema,
  /** The database queried (`db`); on InfluxDB 2.x, a database mapped to a bucket (DBRP). */
  database: z.string().min(1),
  auth: z.discriminatedUnion("type", [BasicAuthSchema, BearerAuthSchema, TokenAuthSchema]).optional(),
  ...common,
});
export const SignalFxAccountSchema = z.strictObject({
  type: z.literal("signalfx"),
  /** The SignalFlow API, default https://stream.signalfx.com (e.g. https://stream.us1.signalfx.com). */
  endpoint: HttpEndpointSchema.optional(),
  /** The access token, sent as X-SF-Token. */
  auth: ApiKeyAuthSchema.omit({ appKeySetting: true }),
  /** Dimension the scope is matched against when extendedScopeParams has no `_scope_key`. */
  defaultScopeKey: z.string().min(1).optional(),
  /** Dimension the location is matched against when extendedScopeParams has no `_location_key`. */
  defaultLocationKey: z.string().min(1).optional(),
  ...common,
});
export const WavefrontAccountSchema = z.strictObject({
  type: z.literal("wavefront"),
  /** The Wavefront instance, e.g. https://example.wavefront.com (the chart API is `/api/v2/chart/api`). */
  endpoint: HttpEndpointSchema,
  /** The API token, sent as a bearer token. */
  auth: ApiKeyAuthSchema.omit({ appKeySetting: true }),
  ...common,
});
export const FileAccountSchema = z.strictObject({
  type: z.literal("file"),
  /** Directory holding recorded-series files; relative paths are resolved from the working directory. */
  endpoint: z.string().min(1),
  /** File used when a query names no `path` (default `series.json`). */
  file: z.string().min(1).optional(),
  ...common,
});

/** Keys that would hold a secret inline; rejected with a message pointing at the *Setting form. */
const INLINE_SECRET_KEYS: Record<string, string> = {
  password: "auth: { type: 'basic', usernameSetting, passwordSetting }",
  username: "auth: { type: 'basic', usernameSetting, passwordSetting }",
  bearerToken: "auth: { type: 'bearer', tokenSetting }",
  token: "auth: { type: 'bearer', tokenSetting }",
  apiKey: "auth: { type: 'api-key', apiKeySetting }",
  appKey: "auth: { type: 'api-key', apiKeySetting, appKeySetting }",
  applicationKey: "auth: { type: 'api-key', apiKeySetting, appKeySetting }",
  clientSecret: "auth: { type: 'managed-identity' } (secrets are not supported)",
  usernamePasswordFile: "auth: { type: 'basic', usernameSetting, passwordSetting }",
  accessToken: "auth: { type: 'api-key', apiKeySetting }",
  apiToken: "auth: { type: 'api-key', apiKeySetting }",
  jsonKey: "auth: { type: 'service-account', keySetting }",
  jsonPath: "auth: { type: 'service-account', keySetting }",
  privateKey: "auth: { type: 'service-account', keySetting }",
  private_key: "auth: { type: 'service-account', keySetting }",
};

const AccountVariants = z.discriminatedUnion("type", [
  PrometheusAccountSchema,
  AzureMonitorPrometheusAccountSchema,
  LogAnalyticsAccountSchema,
  DatadogAccountSchema,
  NewRelicAccountSchema,
  FileAccountSchema,
  StackdriverAccountSchema,
  GraphiteAccountSchema,
  InfluxdbAccountSchema,
  SignalFxAccountSchema,
  WavefrontAccountSchema,
]);

export const MetricsAccountSchema = z
  .unknown()
  .check((ctx) => {
    const walk = (value: unknown, path: (string | number)[]): void => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return;
      for (const [key, v] of Object.entries(value)) {
        const hint = INLINE_SECRET_KEYS[key];
        if (hint !== undefined)
          ctx.issues.push({
            code: "custom",
            input: v,
            path: [...path, key],
            message: `inline secrets are not accepted: put the secret in an app setting and reference it with ${hint}`,
          });
        else if (key === "auth") walk(v, [...path, key]);
      }
    };
    walk(ctx.value, []);
  })
  .pipe(AccountVariants);

export const MetricsAccountsSchema = z.array(MetricsAccountSchema).superRefine((accounts, ctx) => {
  const seen = new Map<string, number>();
  accounts.forEach((a, i) => {
    const first = seen.get(a.name);
    if (first !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [i, "name"],
        message: `duplicate account name '${a.name}' (also at [${first}])`,
      });
    else seen.set(a.name, i);
  });
});

export type MetricsAccount = z.infer<typeof AccountVariants>;
export type AccountAuth = z.infer<typeof AccountAuthSchema>;
export type MetricsAccountType = MetricsAccount["type"];
