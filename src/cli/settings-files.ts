// Settings for the CLI from `local.settings.json` (its "Values", as the Functions host reads them) and `.env` in the working directory; the environment wins.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `.env` text → pairs: KEY=VALUE lines, `#` comments, optional `export `, single or double quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] ?? "";
    let value = (m[2] ?? "").trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[key] = value;
  }
  return out;
}

/** Thrown when a settings file exists but cannot be used. */
export class SettingsFileError extends Error {
  override readonly name = "SettingsFileError";
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SettingsFileError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The environment over `.env` over `local.settings.json` "Values" (files in `cwd`; absent files are fine). */
export function loadCliSettings(
  env: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {};
  const local = readIfPresent(join(cwd, "local.settings.json"));
  if (local !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(local);
    } catch (err) {
      throw new SettingsFileError(`local.settings.json is not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const values = (parsed as { Values?: unknown } | null)?.Values;
    if (values !== undefined && (typeof values !== "object" || values === null || Array.isArray(values)))
      throw new SettingsFileError("local.settings.json: Values must be an object of strings");
    for (const [k, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if (typeof v === "string") merged[k] = v;
    }
  }
  const dotenv = readIfPresent(join(cwd, ".env"));
  if (dotenv !== undefined) Object.assign(merged, parseDotEnv(dotenv));
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}
