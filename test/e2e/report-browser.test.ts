/// <reference lib="dom" />
// The report in a real headless Chromium: verdict and every chart visible, no console errors or failed requests,
// readable at 1280 and 390 px. Screenshots go to test-artifacts/.
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/render-report";
import { chromiumAvailable, launchChromium } from "../helpers/browser";
import { FAILING, MARGINAL, PASSING } from "../helpers/report-models";

const pages: Record<string, string> = {
  pass: renderReport(PASSING()),
  fail: renderReport(FAILING()),
  marginal: renderReport(MARGINAL()),
};
const artifacts = join(__dirname, "..", "..", "test-artifacts");
const available = chromiumAvailable();

describe.runIf(available)("report in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = createServer((req, res) => {
      const key = (req.url ?? "/").slice(1);
      const html = pages[key];
      res
        .writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" })
        .end(html ?? "not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  for (const [name, label] of [
    ["pass", "PASS"],
    ["fail", "FAIL"],
    ["marginal", "MARGINAL"],
  ] as const) {
    for (const [width, height] of [
      [1280, 900],
      [390, 844],
    ] as const) {
      it(`${name} report at ${width}px`, async () => {
        const context = await browser.newContext({ viewport: { width, height } });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
        page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
        page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
        page.on("request", (r) => !r.url().startsWith(base) && problems.push(`external request: ${r.url()}`));
        const res = await page.goto(`${base}/${name}`);
        expect(res?.status()).toBe(200);
        await expect.poll(() => page.locator("#verdict").innerText()).toBe(label);
        expect(await page.locator("#verdict").isVisible()).toBe(true);
        const charts = page.locator("svg.chart");
        const n = await charts.count();
        expect(n).toBeGreaterThan(0);
        for (let i = 0; i < n; i++) {
          const box = await charts.nth(i).boundingBox();
          expect(box, `chart ${i} has a box`).not.toBeNull();
          expect(box!.width).toBeGreaterThan(100);
          expect(box!.height).toBeGreaterThan(10);
          expect(box!.x + box!.width).toBeLessThanOrEqual(width + 1); // no chart overflows the viewport
        }
        // Reads well: no horizontal scrolling of the page itself.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(1);
        await page.screenshot({ path: join(artifacts, `report-${name}-${width}.png`), fullPage: true });
        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }
});
