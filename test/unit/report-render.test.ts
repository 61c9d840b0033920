import { describe, expect, it } from "vitest";
import { renderReport, reportWarnings } from "../../src/report/render-report";
import { renderIndex } from "../../src/report/render-index";
import { downsample } from "../../src/report/svg-charts";
import { JUDGE_NAMES } from "../../src/judge/registry";
import { fmt } from "../../src/report/svg-charts";
import { FAILING, HUNDRED_METRICS, judgedModel, MARGINAL, PASSING } from "../helpers/report-models";

describe("report rendering", () => {
  it.each([
    ["pass", PASSING, "PASS"],
    ["fail", FAILING, "FAIL"],
    ["marginal", MARGINAL, "MARGINAL"],
  ])("shows the %s verdict, one chart set per metric, and is self-contained", (_name, make, label) => {
    const model = make();
    const html = renderReport(model);
    expect(html).toContain(`id="verdict">${label}<`);
    const metrics = model.intervals.at(-1)!.judgeResult!.results.length;
    expect(html.match(/<article class="metric"/g)).toHaveLength(metrics);
    // time series + distribution + CI per metric, + the bound chart (two judgements)
    expect(html.match(/<svg class="chart"/g)!.length).toBeGreaterThanOrEqual(metrics * 3);
    expect(html).not.toMatch(/<script|<link (?!rel="icon" href="data:,")|https?:\/\/(?!www\.w3\.org)/);
  });

  it("explains a failure: reason, failed metrics, figures and the query", () => {
    const html = renderReport(FAILING());
    expect(html).toContain("Metrics that failed:");
    expect(html).toContain("<code>p95 latency</code>");
    expect(html).toContain("p-value");
    expect(html).toContain("avg(p95_latency{scope=&quot;app-canary&quot;})");
  });

  it("escapes text from requests and metric names", () => {
    const model = PASSING();
    model.status.application = "<img src=x onerror=alert(1)>";
    expect(renderReport(model)).not.toContain("<img src=x");
  });

  it("warns about few data points and missing data", () => {
    const model = PASSING();
    const r = model.intervals.at(-1)!.judgeResult!.results[0]!;
    r.controlMetadata.stats.count = 12;
    model.intervals.at(-1)!.judgeResult!.results[1]!.classification = "Nodata";
    const w = reportWarnings(model);
    expect(w.some((x) => x.includes("fewer than 50 data points"))).toBe(true);
    expect(w.some((x) => x.includes("no data"))).toBe(true);
  });

  it("keeps a 100-metric, 1000-point report under 2 MB", () => {
    const html = renderReport(HUNDRED_METRICS());
    expect(html.match(/<article class="metric"/g)).toHaveLength(100);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });

  it("downsampling keeps each bucket's extremes", () => {
    const pts = Array.from({ length: 1000 }, (_, i) => [i, i === 500 ? 99 : 1] as [number, number]);
    const out = downsample(pts, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(Math.max(...out.map((p) => p[1]))).toBe(99);
  });

  it("lists analyses on the index page", () => {
    const s = FAILING().status;
    const html = renderIndex([s], "2026-11-23T11:00:00Z");
    expect(html).toContain(s.reportUrl);
    expect(html).toContain("failed");
  });
});

describe("the report draws what each registered judge wrote", () => {
  // The html template indents its output; compare markup without the white space between tags.
  const flat = (page: string) => page.replace(/\s+/g, " ").replace(/> </g, "><").replace(/ >/g, ">");

  it.each(JUDGE_NAMES)("%s", (judgeName) => {
    const model = judgedModel(judgeName);
    const html = flat(renderReport(model));
    const last = model.intervals.at(-1)!.judgeResult!;
    expect(last.judgeName).toBe(judgeName);
    for (const r of last.results) {
      const m = r.resultMetadata;
      const article = html.slice(html.indexOf(`data-metric="${r.name}"`));
      const one = article.slice(0, article.indexOf("</article>"));
      const what = m.scale === "ratio" ? "the canary/baseline ratio" : "the shift (canary − baseline)";
      expect(one).toContain(`interval of ${what} against the judge&#39;s tolerance`);
      // The tolerance row shows the judge's own band, not a stand-in.
      expect(one).toContain(
        `tolerance (${m.scale})</th><td>[${fmt(m.toleranceLower, 4)}, ${fmt(m.toleranceUpper, 4)}]`,
      );
      const shown = r.classification === "Pass" && m.decision === "continue" ? "undecided" : r.classification;
      expect(one).toContain(`<span class="badge c-${shown}">${shown}</span>`);
    }
  });

  it("coalmine-sequential-v2 shows a metric it has not decided as undecided, in a neutral colour", () => {
    const model = judgedModel("coalmine-sequential-v2");
    const first = { ...model, intervals: model.intervals.slice(0, 1) };
    const r = first.intervals[0]!.judgeResult!.results.find((x) => x.name === "cpu")!;
    expect(r.resultMetadata.decision).toBe("continue");
    const html = flat(renderReport(first));
    const one = html.slice(html.indexOf('data-metric="cpu"'));
    expect(one.slice(0, one.indexOf("</header>"))).toContain(
      '<span class="badge c-undecided">undecided</span>',
    );
    expect(html).toMatch(/\.c-undecided\{background:var\(--canceled\)\}|c-undecided\{/);
  });
});
