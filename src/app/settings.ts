// Every COALMINE_* app setting, parsed once (zod) with its error messages; the composition roots read nothing else (docs/settings.md).
import { z } from "zod";
import { parseIsoDuration } from "../config/duration";
import type { MetricsAccount } from "../config/metrics-account.schema";
import { loadMetricsAccounts } from "../metrics/accounts";
import { DEFAULT_RETENTION } from "../store/retention";
import { parseStorageSettings, type StorageSettings } from "../store/storage-settings";
import { DEFAULT_TASK_HUB } from "../store/task-hub-history";
import { UnusableSettingError } from "../settings-error";

export type Env = Readonly<Record<string, string | undefined>>;

/** An unusable app setting; the message names each setting and its problem (never a value that may be secret). */
export class SettingsError extends UnusableSettingError {
  override readonly name = "SettingsError";
  constructor(readonly problems: { setting: string; message: string }[]) {
    super(problems.map((p) => `${p.setting}: ${p.message}`).join("; "));
  }
}

export interface Settings {
  /** COALMINE_STORAGE (with COALMINE_STORAGE_PREFIX): Table + Blob; undefined when unset. */
  storage: StorageSettings | undefined;
  /**
   * COALMINE_STORAGE=memory: the local hosts keep everything in the memory of the process (README "Settings"),
   * not in an account named "memory".
   */
  storageInMemory: boolean;
  /** COALMINE_STORAGE_PREFIX: prepended to every table and the container ("" when unset). */
  storagePrefix: string;
  /** COALMINE_METRICS_ACCOUNTS: read on first use (an `@file` is read then), then kept; throws MetricsAccountError. */
  metricsAccounts(): MetricsAccount[];
  /** COALMINE_OUTBOUND_ALLOWLIST: origins outbound calls may reach besides public addresses. */
  outboundAllowlist: string | undefined;
  /** COALMINE_PUBLIC_URL: base for absolute report links. */
  publicUrl: string | undefined;
  /**
   * The base of every absolute link (statusUrl, reportUrl, Location, notifications): COALMINE_PUBLIC_URL, else
   * the Functions host's own name in Azure (WEBSITE_HOSTNAME, set by the platform), else "" (relative links).
   * Never the request's Host header (docs/security.md "Links").
   */
  linkBase: string;
  /**
   * COALMINE_SECRET_KEY: seals Azure DevOps tokens at rest; COALMINE_SECRET_KEY_PREVIOUS opens those sealed before
   * a rotation. Kept as text: they are checked where used (src/notify/secret-box.ts), so an unusable key refuses
   * Azure DevOps starts with a 503 naming the setting and leaves everything else working.
   */
  secretKey: string | undefined;
  secretKeyPrevious: string | undefined;
  /** COALMINE_GITHUB_TOKEN and COALMINE_GITHUB_API: commit statuses. */
  githubToken: string | undefined;
  githubApi: string | undefined;
  /** COALMINE_RETENTION: an ISO 8601 duration (default P30D). */
  retention: string;
  /** COALMINE_TASK_HUB: the durable task hub's name (default "coalmine"). */
  taskHub: string;
  /** COALMINE_FUNCTION_KEY: the key `coalmine serve` asks for. */
  functionKey: string | undefined;
  /**
   * Settings named by requests and accounts (`secretName`, `auth.*`: HMAC secrets, API keys), looked up
   * by name when used. Their names are the user's, so they cannot be listed here.
   */
  named: Env;
}

/** Unset and blank are the same: the setting is absent. */
const optionalText = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v),
  z.string().optional(),
);

const SettingsSchema = z.object({
  COALMINE_STORAGE: optionalText,
  COALMINE_STORAGE_PREFIX: z.string().optional(),
  COALMINE_METRICS_ACCOUNTS: optionalText,
  COALMINE_OUTBOUND_ALLOWLIST: z.string().optional(),
  COALMINE_PUBLIC_URL: optionalText.pipe(
    z
      .string()
      .regex(/^https?:\/\/\S+$/, "must be an absolute http(s) URL such as https://app.azurewebsites.net")
      .optional(),
  ),
  COALMINE_SECRET_KEY: optionalText,
  COALMINE_SECRET_KEY_PREVIOUS: optionalText,
  WEBSITE_HOSTNAME: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "must be a host name")
      .optional(),
  ),
  COALMINE_GITHUB_TOKEN: optionalText,
  COALMINE_GITHUB_API: optionalText,
  COALMINE_RETENTION: optionalText.pipe(
    z
      .string()
      .refine((v) => (parseIsoDuration(v) ?? 0) > 0, "must be a positive ISO 8601 duration such as P30D")
      .optional(),
  ),
  COALMINE_TASK_HUB: optionalText,
  COALMINE_FUNCTION_KEY: optionalText,
});

export interface ParseSettingsOptions {
  /** Where `@file` settings and file accounts are resolved (default process.cwd()). */
  cwd?: string;
  /** Storage retries (tests and the CLI shorten them). */
  storage?: Parameters<typeof parseStorageSettings>[1];
}

/** Parses the app settings from `env`; throws SettingsError naming every unusable setting. */
export function parseSettings(env: Env, options: ParseSettingsOptions = {}): Settings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((i) => ({ setting: String(i.path[0] ?? "settings"), message: i.message })),
    );
  }
  const s = parsed.data;
  const prefix = s.COALMINE_STORAGE_PREFIX ?? "";
  // The storage parser's StorageSettingsError names COALMINE_STORAGE and never includes the key.
  const storage =
    s.COALMINE_STORAGE === undefined
      ? undefined
      : parseStorageSettings(s.COALMINE_STORAGE, { ...options.storage, prefix });
  const cwd = options.cwd ?? process.cwd();
  let accounts: { value: MetricsAccount[] } | { error: unknown } | undefined;
  return {
    storage,
    storageInMemory: s.COALMINE_STORAGE === "memory",
    storagePrefix: prefix,
    metricsAccounts() {
      accounts ??= (() => {
        try {
          return { value: loadMetricsAccounts(s.COALMINE_METRICS_ACCOUNTS, cwd) };
        } catch (error) {
          return { error };
        }
      })();
      if ("error" in accounts) throw accounts.error;
      return accounts.value;
    },
    outboundAllowlist: s.COALMINE_OUTBOUND_ALLOWLIST,
    publicUrl: s.COALMINE_PUBLIC_URL,
    linkBase: s.COALMINE_PUBLIC_URL
      ? s.COALMINE_PUBLIC_URL.replace(/\/+$/, "")
      : s.WEBSITE_HOSTNAME
        ? `https://${s.WEBSITE_HOSTNAME}`
        : "",
    secretKey: s.COALMINE_SECRET_KEY,
    secretKeyPrevious: s.COALMINE_SECRET_KEY_PREVIOUS,
    githubToken: s.COALMINE_GITHUB_TOKEN,
    githubApi: s.COALMINE_GITHUB_API,
    retention: s.COALMINE_RETENTION ?? DEFAULT_RETENTION,
    taskHub: s.COALMINE_TASK_HUB ?? DEFAULT_TASK_HUB,
    functionKey: s.COALMINE_FUNCTION_KEY,
    named: env,
  };
}
