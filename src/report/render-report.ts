// The analysis report: one self-contained HTML page (inline CSS and SVG, no script, no external requests).
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { MetricResult, MetricSetPair } from "../judge/types";
import type { ReportInterval, ReportModel } from "./report-model";
import { html, joinHtml, raw, type Html } from "./html";
import { renderPage } from "./page";
import {
  boundChart,
  distributionChart,
  fmt,
  intervalChart,
  scoreMeter,
  timeSeriesChart,
  type Series,
} from "./svg-charts";

/**
 * Results stored before judges wrote their own band (docs/judges.md, "What every judge writes"):
 * Kayenta's judge calls a shift "no change" while its interval stays within 25 % of |estimate| of 0.
 */
const LEGACY_KAYENTA_TOLERANCE = 0.25;

/** What a reader sees for a metric: a sequential judge's undecided metric is "undecided", not "Pass". */
export function displayClassification(r: MetricResult): string {
  return r.classification === "Pass" && r.resultMetadata.decision === "continue"
    ? "undecided"
    : r.classification;
}

const VERDICT_TEXT: Record<string, string> = {
  pass: "PASS",
  marginal: "MARGINAL",
  fail: "FAIL",
};

function verdictClass(status: AnalysisStatus): string {
  return `v-${status.verdict ?? status.state}`;
}

function pairKey(name: string, tags: Record<string, string>): string {
  const t = Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `${name}{${t}}`;
}

function seriesPoints(pair: MetricSetPair, side: "control" | "experiment"): [number, number][] {
  const values = pair.values[side];
  const scope = pair.scopes?.[side];
  const start = scope?.startTimeMillis ?? (scope?.startTimeIso ? Date.parse(scope.startTimeIso) : undefined);
  const step = scope?.stepMillis;
  return values.map((v, i) => [start !== undefined && step ? start + i * step : i, v]);
}

/** Warnings a reader should see before trusting the verdict. */
export function reportWarnings(model: ReportModel): string[] {
  const out = new Set<string>(model.status.warnings ?? []);
  const last = model.intervals.at(-1)?.judgeResult;
  if (model.status.state === "error" && model.status.reason)
    out.add(`Coalmine could not judge: ${model.status.reason}`);
  for (const r of last?.results ?? []) {
    if (r.classification === "Nodata" || r.classification === "NodataFailMetric")
      out.add(`${r.name}: no data (${r.classificationReason ?? "missing data"})`);
    else if (r.classification === "Error")
      out.add(`${r.name}: the judge could not classify it (${r.classificationReason ?? "error"})`);
    else if (Math.min(r.controlMetadata.stats.count, r.experimentMetadata.stats.count) < 50)
      out.add(
        `${r.name} has fewer than 50 data points (baseline ${r.controlMetadata.stats.count}, canary ${r.experimentMetadata.stats.count}), which lowers confidence in its classification.`,
      );
  }
  return [...out];
}

/** While a decision is awaited (a marginal stage or a stage's manual gate): how to give it. */
function renderDecisionHelp(id: string): Html {
  const route = `POST /api/analyses/${id}/decision`;
  return html`<div class="warnings" role="note" id="decision">
    <strong>A person's decision is awaited</strong> (what and until when: above).
    <p>
      Approve with <code>${route}</code> and <code>{"action":"approve","by":"…"}</code>; reject with
      <code>{"action":"reject","reason":"…","by":"…"}</code> (with a host key as
      <code>x-functions-key</code>).
    </p>
  </div>`;
}

function renderHeader(model: ReportModel): Html {
  const s = model.status;
  const cls = verdictClass(s);
  const label = s.verdict ? VERDICT_TEXT[s.verdict]! : s.state.toUpperCase();
  const last = model.intervals.at(-1)?.judgeResult;
  const critical = (last?.results ?? []).filter((r) => r.critical && r.classification !== "Pass");
  const failed = [...new Set(model.intervals.at(-1)?.failedMetrics ?? [])];
  const warnings = reportWarnings(model);
  return html`<header>
    <p class="muted">Coalmine canary analysis · <code>${s.id}</code></p>
    <h1>${s.application}</h1>
    <section class="verdict" aria-label="verdict">
      <span class="badge big ${cls}" id="verdict">${label}</span>
      <span class="score"
        >${s.score === undefined ? "–" : fmt(s.score, 4)}<span class="muted" style="font-size:1rem">
          / 100</span
        ></span
      >
      <div style="flex:1 1 280px">
        ${raw(scoreMeter(s.score, model.thresholds.marginal, model.thresholds.pass, cls))}
      </div>
    </section>
    <p>
      <strong>Why:</strong>
      ${s.reason || last?.score.classificationReason || (s.verdict === "pass" ? "every judgement met the pass threshold" : "no reason recorded")}
    </p>
    ${s.state === "awaiting-decision" ? renderDecisionHelp(s.id) : ""}
    ${
      failed.length
        ? html`<p>
            <strong>Metrics that failed:</strong> ${joinHtml(
              failed.map((f) => html`<code>${f}</code>`),
              ", ",
            )}
          </p>`
        : ""
    }
    ${critical.length ? html`<p><strong>Critical failures:</strong> ${critical.map((r) => r.classificationReason ?? r.name).join("; ")}</p>` : ""}
    ${
      warnings.length
        ? html`<div class="warnings" role="note">
            <strong>Warnings</strong>
            <ul>
              ${warnings.map((w) => html`<li>${w}</li>`)}
            </ul>
          </div>`
        : ""
    }
    <p class="muted">
      Judge <code>${s.judge}</code> · thresholds pass ${model.thresholds.pass}, marginal
      ${model.thresholds.marginal} · started ${s.createdAt} · updated ${s.updatedAt}
    </p>
  </header>`;
}

function renderTimeline(model: ReportModel): Html {
  const rows = model.stages.map((stage, index) => {
    const ivs = model.intervals.filter((i) => i.stage === index);
    const boxes = ivs.length
      ? ivs.map(
          (i) =>
            html`<span
              class="iv c-${i.classification}"
              title="${`${i.start} – ${i.end}: ${i.classification}${i.failedMetrics.length ? `; failed: ${i.failedMetrics.join(", ")}` : ""}${i.undecidedMetrics?.length ? `; undecided: ${i.undecidedMetrics.join(", ")}` : ""}`}"
              >#${i.interval + 1} ${fmt(i.score, 4)}</span
            >`,
        )
      : html`<span class="muted">not judged</span>`;
    const weight =
      stage.trafficWeight === undefined ? "" : html` <span class="muted">(${stage.trafficWeight}%)</span>`;
    return html`<div class="stage"><span class="stage-name">${stage.name}${weight}</span>${boxes}</div>`;
  });
  return html`<h2>Stages</h2>
    <div class="timeline">${rows}</div>`;
}

function figuresTable(r: MetricResult): Html {
  const m = r.resultMetadata;
  const ci = m.confidenceInterval;
  const seq = m.sequential ?? {};
  const rows: [string, string][] = [
    ["ratio (canary mean / baseline mean)", fmt(m.ratio, 4)],
    ["p-value", fmt(m.pValue, 3)],
    [
      `confidence interval${m.scale === "ratio" ? " of the ratio" : " of the shift"}${ci ? ` (${fmt(ci.level * 100, 3)} %)` : ""}`,
      ci ? `[${fmt(ci.lower, 4)}, ${fmt(ci.upper, 4)}]` : "–",
    ],
    [m.scale === "ratio" ? "estimate of the ratio" : "estimate of the shift", fmt(m.estimate, 4)],
    ...(m.scale && typeof m.toleranceLower === "number" && typeof m.toleranceUpper === "number"
      ? ([[`tolerance (${m.scale})`, `[${fmt(m.toleranceLower, 4)}, ${fmt(m.toleranceUpper, 4)}]`]] as [
          string,
          string,
        ][])
      : []),
    ...(m.decision
      ? ([["decision", m.decision === "continue" ? "undecided (continue)" : m.decision]] as [
          string,
          string,
        ][])
      : []),
    [`effect size${m.effectSizeMeasure ? ` (${m.effectSizeMeasure})` : ""}`, fmt(m.effectSize, 4)],
  ];
  for (const [k, v] of Object.entries(seq)) rows.push([k, typeof v === "number" ? fmt(v, 4) : String(v)]);
  return html`<table class="figures">
    <tbody>
      ${rows.map(
        ([k, v]) =>
          html`<tr>
            <th scope="row">${k}</th>
            <td>${v}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function statsTable(r: MetricResult): Html {
  const b = r.controlMetadata.stats;
  const c = r.experimentMetadata.stats;
  const row = (label: string, s: typeof b) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${s.count}</td>
      <td>${fmt(s.mean, 4)}</td>
      <td>${fmt(s.min, 4)}</td>
      <td>${fmt(s.max, 4)}</td>
      <td>${fmt(s.std, 4)}</td>
    </tr>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th></th>
          <th>count</th>
          <th>mean</th>
          <th>min</th>
          <th>max</th>
          <th>std</th>
        </tr>
      </thead>
      <tbody>
        ${row("baseline", b)}${row("canary", c)}
      </tbody>
    </table>
  </div>`;
}

/** The interval, the tolerance band and the scale the judge wrote in `resultMetadata` (every registered judge does). */
export function judgeBand(
  r: MetricResult,
  judgeName: string | undefined,
):
  | {
      scale: "ratio" | "difference";
      ci: { lower: number; upper: number; level?: number };
      tol?: [number, number];
    }
  | undefined {
  const m = r.resultMetadata;
  const ci = m.confidenceInterval;
  const lower = m.lower ?? ci?.lower;
  const upper = m.upper ?? ci?.upper;
  if (lower === undefined || upper === undefined) return undefined;
  const level = ci?.level;
  const withLevel = level === undefined ? { lower, upper } : { lower, upper, level };
  if (m.scale && typeof m.toleranceLower === "number" && typeof m.toleranceUpper === "number") {
    return { scale: m.scale, ci: withLevel, tol: [m.toleranceLower, m.toleranceUpper] };
  }
  if (m.scale) return { scale: m.scale, ci: withLevel };
  // Stored before judges wrote their band: only Kayenta's judge had a known rule.
  const est = m.estimate;
  if (judgeName === "NetflixACAJudge-v1.0" && est !== undefined && Number.isFinite(est)) {
    const t = LEGACY_KAYENTA_TOLERANCE * Math.abs(est);
    return { scale: "difference", ci: withLevel, tol: [-t, t] };
  }
  return { scale: "difference", ci: withLevel };
}

/** Ratio bounds can be e^±30 while nothing is known yet; draw them at the edge of a readable range. */
const drawable = (x: number, scale: "ratio" | "difference"): number =>
  scale === "ratio" ? Math.min(10, Math.max(0, x)) : x;

function renderMetric(
  r: MetricResult,
  pair: MetricSetPair | undefined,
  history: { interval: ReportInterval; result: MetricResult }[],
  judgeName?: string,
): Html {
  const tags = Object.entries(r.tags ?? {});
  const title = `${r.name}${tags.length ? ` {${tags.map(([k, v]) => `${k}=${v}`).join(", ")}}` : ""}`;
  const flags = [
    r.direction ? `direction ${r.direction}` : "",
    r.critical ? "critical" : "",
    r.muted ? "muted" : "",
  ]
    .filter(Boolean)
    .join(" · ");
  // Our own SVG (svg-charts.ts escapes every text it puts in).
  const charts: string[] = [];
  if (pair) {
    const series: Series[] = [
      { label: "baseline", cssClass: "baseline", points: seriesPoints(pair, "control") },
      { label: "canary", cssClass: "canary", points: seriesPoints(pair, "experiment") },
    ];
    charts.push(timeSeriesChart(`${title}: baseline and canary over time`, series));
    charts.push(
      distributionChart(`${title}: distributions`, [
        { label: "baseline", cssClass: "baseline", values: pair.values.control },
        { label: "canary", cssClass: "canary", values: pair.values.experiment },
      ]),
    );
  }
  const band = judgeBand(r, judgeName);
  const origin = band?.scale === "ratio" ? 1 : 0;
  const what = band?.scale === "ratio" ? "the canary/baseline ratio" : "the shift (canary − baseline)";
  if (band)
    charts.push(
      intervalChart(
        `${title}: interval of ${what} against the judge's tolerance`,
        { lower: drawable(band.ci.lower, band.scale), upper: drawable(band.ci.upper, band.scale) },
        r.resultMetadata.estimate,
        band.tol ?? [origin, origin],
        origin,
      ),
    );
  const bounds = history
    .map((h, i) => ({ x: i, b: judgeBand(h.result, judgeName), estimate: h.result.resultMetadata.estimate }))
    .filter((p) => p.b !== undefined)
    .map((p) => ({
      x: p.x,
      lower: drawable(p.b!.ci.lower, p.b!.scale),
      upper: drawable(p.b!.ci.upper, p.b!.scale),
      ...(p.estimate !== undefined ? { estimate: p.estimate } : {}),
    }));
  if (bounds.length > 1)
    charts.push(boundChart(`${title}: the bound of ${what} at each judgement`, bounds, band?.tol, origin));
  const queries = pair?.attributes
    ? [
        ["baseline", pair.attributes.control?.["query"]],
        ["canary", pair.attributes.experiment?.["query"]],
      ].filter((q): q is [string, string] => typeof q[1] === "string")
    : [];
  const classes = history.map(
    (h) =>
      html`<span
        class="iv c-${displayClassification(h.result)}"
        title="${`stage ${h.interval.stage + 1}, interval ${h.interval.interval + 1}`}"
        >${displayClassification(h.result)}</span
      >`,
  );
  return html`<article class="metric" data-metric="${r.name}">
    <header>
      <h3>${title}</h3>
      <span class="badge c-${displayClassification(r)}">${displayClassification(r)}</span
      ><span class="muted">${flags}</span>
    </header>
    ${r.classificationReason ? html`<p>${r.classificationReason}</p>` : ""}
    <p class="legend"><span class="sw baseline"></span>baseline<span class="sw canary"></span>canary</p>
    ${raw(charts.join("\n"))} ${figuresTable(r)} ${statsTable(r)}
    ${classes.length > 1 ? html`<p class="legend">By judgement: ${joinHtml(classes, " ")}</p>` : ""}
    ${
      queries.length
        ? html`<details>
            <summary>Query sent to the metric source</summary>
            ${queries.map(
              ([side, q]) =>
                html`<p class="muted">${side}</p>
                  <pre>${q}</pre>`,
            )}
          </details>`
        : ""
    }
  </article>`;
}

function renderMetrics(model: ReportModel): Html {
  const lastIv = [...model.intervals].reverse().find((i) => i.judgeResult);
  const last = lastIv?.judgeResult;
  if (!last)
    return html`<h2>Metrics</h2>
      <p class="muted">No judgement yet.</p>`;
  const pairs = new Map(model.finalPairs.map((p) => [pairKey(p.name, p.tags ?? {}), p]));
  const historyOf = (r: MetricResult) =>
    model.intervals.flatMap((iv) => {
      const found = iv.judgeResult?.results.find(
        (x) => pairKey(x.name, x.tags ?? {}) === pairKey(r.name, r.tags ?? {}),
      );
      return found ? [{ interval: iv, result: found }] : [];
    });
  const groupNames = [
    ...new Set([...(model.groupOrder ?? []), ...last.results.map((r) => r.groups[0] ?? "ungrouped")]),
  ];
  const groupScore = new Map(last.groupScores.map((g) => [g.name, g.score]));
  const sections = groupNames.flatMap((g) => {
    const rs = last.results.filter((r) => (r.groups[0] ?? "ungrouped") === g);
    if (!rs.length) return [];
    const score = groupScore.get(g);
    const metrics = rs.map((r) =>
      renderMetric(r, pairs.get(pairKey(r.name, r.tags ?? {})), historyOf(r), last.judgeName),
    );
    return [
      html`<section class="group">
        <h2>
          ${g}${score === undefined ? "" : html` <span class="muted">group score ${fmt(score, 4)}</span>`}
        </h2>
        <div class="metrics">${joinHtml(metrics, "\n")}</div>
      </section>`,
    ];
  });
  return joinHtml(sections, "\n");
}

export function renderReport(model: ReportModel): string {
  const s = model.status;
  const title = `${s.verdict ? VERDICT_TEXT[s.verdict] : s.state} · ${s.application} · Coalmine`;
  return renderPage(
    title,
    // The line breaks are part of the page: kept as they are, whatever the indentation.
    // prettier-ignore
    html`${renderHeader(model)} ${renderTimeline(model)} ${renderMetrics(model)}
      <footer>
        Rendered ${model.generatedAt} by Coalmine. Every figure comes from the stored judgements of
        analysis <code>${s.id}</code>.
      </footer>`,
  );
}
