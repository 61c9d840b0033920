// Headless Debian Chromium through playwright-core. With CI=true a missing browser fails; otherwise the caller skips.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env["CI"] === "true")
    throw new Error(
      `Chromium is required in CI but ${CHROMIUM_PATH} is missing (.ci/run installs the Debian 'chromium' package)`,
    );
  console.warn(`skipping browser tests: ${CHROMIUM_PATH} not found (apt-get install chromium)`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
