/// <reference lib="dom" />
// Reports of real analyses (a pass, a fail, a marginal) served by `coalmine serve`, opened in Debian's headless
// Chromium: the verdict and every metric's chart are visible, no console errors or failed requests, and the
// page reads well at 1280 and 390 px. Also the index page at the server's root. Screenshots: test-artifacts/.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe, type RunningServe } from "../../src/cli/commands/serve";
import { chromiumAvailable, launchChromium } from "../helpers/browser";

const ROOT = join(__dirname, "..", "..");
const DEMO = join(ROOT, "examples", "demo");
const artifacts = join(ROOT, "test-artifacts");
const available = chromiumAvailable();

/** Three analyses over the demo's recorded metrics (the canary regresses from 10:11). */
function requests(): Record<"pass" | "fail" | "marginal", unknown> {
  const demo = JSON.parse(readFileSync(join(DEMO, "request.json"), "utf8")) as Record<string, any>;
  const pass = { ...demo, stages: [demo.stages[0]] }; // only the healthy 10 % stage
  const fail = demo; // both stages: fails in the 33 % stage
  const metrics = (demo.canaryConfig.metrics as { name: string; groups: string[] }[]).filter((m) =>
    ["p50 latency", "throughput", "cpu"].includes(m.name),
  );
  const marginal = {
    ...demo,
    // Kayenta's judge scores the share of passing metrics: p50 latency (+10 %) fails, weighted 20 → 80.
    judge: "NetflixACAJudge-v1.0",
    canaryConfig: {
      ...demo.canaryConfig,
      metrics,
      classifier: { groupWeights: { latency: 20, traffic: 40, saturation: 40 } },
    },
    stages: [{ name: "33%", trafficWeight: 33, duration: "PT10M", interval: "PT10M" }],
    startTime: "2026-11-23T10:11:00Z",
  };
  return { pass, fail, marginal };
}

describe.runIf(available)("reports in Chromium", () => {
  let browser: Browser;
  let server: RunningServe;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServe({
      port: 0,
      host: "127.0.0.1",
      cwd: ROOT,
      storage: "memory",
      env: {
        COALMINE_METRICS_ACCOUNTS: JSON.stringify([{ name: "demo-files", type: "file", endpoint: DEMO }]),
      },
    });
    for (const [name, body] of Object.entries(requests())) {
      const res = await fetch(`${server.url}/api/analyses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(202);
      ids[name] = ((await res.json()) as { id: string }).id;
    }
    for (const [name, id] of Object.entries(ids)) {
      let state = "";
      for (
        let i = 0;
        i < 400 && !["passed", "failed", "marginal", "error", "canceled"].includes(state);
        i++
      ) {
        state = ((await (await fetch(`${server.url}/api/analyses/${id}`)).json()) as { state: string }).state;
        if (!state.endsWith("ed") && state !== "marginal") await new Promise((r) => setTimeout(r, 50));
      }
      expect(state, name).toBe({ pass: "passed", fail: "failed", marginal: "marginal" }[name]);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
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
        page.on(
          "request",
          (r) => !r.url().startsWith(server.url) && problems.push(`external request: ${r.url()}`),
        );
        const res = await page.goto(`${server.url}/api/analyses/${ids[name]}/report`);
        expect(res?.status()).toBe(200);
        expect(await page.locator("#verdict").innerText()).toBe(label);
        expect(await page.locator("#verdict").isVisible()).toBe(true);
        // Every metric has its charts (series, distributions, interval), each laid out inside the viewport.
        const metrics = page.locator("article.metric");
        const n = await metrics.count();
        expect(n).toBeGreaterThan(0);
        for (let m = 0; m < n; m++)
          expect(await metrics.nth(m).locator("svg.chart").count()).toBeGreaterThanOrEqual(3);
        const charts = page.locator("svg.chart");
        for (let i = 0; i < (await charts.count()); i++) {
          const box = await charts.nth(i).boundingBox();
          expect(box, `chart ${i} has a box`).not.toBeNull();
          expect(box!.width).toBeGreaterThan(100);
          expect(box!.height).toBeGreaterThan(10);
          expect(box!.x + box!.width).toBeLessThanOrEqual(width + 1);
        }
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(1); // no sideways scrolling of the page
        await page.screenshot({ path: join(artifacts, `report-${name}-${width}.png`), fullPage: true });
        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }

  it("the server's root lists the analyses with links to their reports", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    for (const id of Object.values(ids))
      expect(await page.locator(`a[href="/api/analyses/${id}/report"]`).count()).toBeGreaterThan(0);
    await page.locator(`a[href="/api/analyses/${ids["fail"]}/report"]`).first().click();
    expect(await page.locator("#verdict").innerText()).toBe("FAIL");
    await page.close();
  });
});
