// The analysis report: one self-contained HTML page (inline CSS and SVG, no script, no external requests).
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { MetricResult, MetricSetPair } from "../judge/types";
import type { ReportInterval, ReportModel } from "./report-model";
import { REPORT_CSS } from "./report-styles";
import {
  boundChart,
  distributionChart,
  escapeXml as esc,
  fmt,
  intervalChart,
  scoreMeter,
  timeSeriesChart,
  type Series,
} from "./svg-charts";

/** Kayenta's judge calls a shift "no change" while its CI stays within 25 % of |estimate| of zero (kayenta.md §1.4). */
const KAYENTA_TOLERANCE = 0.25;

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
function renderDecisionHelp(id: string): string {
  const route = `POST /api/analyses/${id}/decision`;
  return `<div class="warnings" role="note" id="decision"><strong>A person's decision is awaited</strong> (what and until when: above).
<p>Approve with <code>${esc(route)}</code> and <code>{"action":"approve","by":"…"}</code>; reject with <code>{"action":"reject","reason":"…","by":"…"}</code> (with a host key as <code>x-functions-key</code>).</p></div>`;
}

function renderHeader(model: ReportModel): string {
  const s = model.status;
  const cls = verdictClass(s);
  const label = s.verdict ? VERDICT_TEXT[s.verdict]! : s.state.toUpperCase();
  const last = model.intervals.at(-1)?.judgeResult;
  const critical = (last?.results ?? []).filter((r) => r.critical && r.classification !== "Pass");
  const failed = [...new Set(model.intervals.at(-1)?.failedMetrics ?? [])];
  const warnings = reportWarnings(model);
  return `<header>
<p class="muted">Coalmine canary analysis · <code>${esc(s.id)}</code></p>
<h1>${esc(s.application)}</h1>
<section class="verdict" aria-label="verdict">
  <span class="badge big ${cls}" id="verdict">${esc(label)}</span>
  <span class="score">${s.score === undefined ? "–" : esc(fmt(s.score, 4))}<span class="muted" style="font-size:1rem"> / 100</span></span>
  <div style="flex:1 1 280px">${scoreMeter(s.score, model.thresholds.marginal, model.thresholds.pass, cls)}</div>
</section>
<p><strong>Why:</strong> ${esc(s.reason || last?.score.classificationReason || (s.verdict === "pass" ? "every judgement met the pass threshold" : "no reason recorded"))}</p>
${s.state === "awaiting-decision" ? renderDecisionHelp(s.id) : ""}
${failed.length ? `<p><strong>Metrics that failed:</strong> ${failed.map((f) => `<code>${esc(f)}</code>`).join(", ")}</p>` : ""}
${critical.length ? `<p><strong>Critical failures:</strong> ${critical.map((r) => esc(r.classificationReason ?? r.name)).join("; ")}</p>` : ""}
${warnings.length ? `<div class="warnings" role="note"><strong>Warnings</strong><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul></div>` : ""}
<p class="muted">Judge <code>${esc(s.judge)}</code> · thresholds pass ${model.thresholds.pass}, marginal ${model.thresholds.marginal} · started ${esc(s.createdAt)} · updated ${esc(s.updatedAt)}</p>
</header>`;
}

function renderTimeline(model: ReportModel): string {
  const rows = model.stages.map((stage, index) => {
    const ivs = model.intervals.filter((i) => i.stage === index);
    const boxes = ivs.length
      ? ivs
          .map(
            (i) =>
              `<span class="iv c-${esc(i.classification)}" title="${esc(`${i.start} – ${i.end}: ${i.classification}${i.failedMetrics.length ? `; failed: ${i.failedMetrics.join(", ")}` : ""}`)}">#${i.interval + 1} ${esc(fmt(i.score, 4))}</span>`,
          )
          .join("")
      : `<span class="muted">not judged</span>`;
    const weight =
      stage.trafficWeight === undefined ? "" : ` <span class="muted">(${stage.trafficWeight}%)</span>`;
    return `<div class="stage"><span class="stage-name">${esc(stage.name)}${weight}</span>${boxes}</div>`;
  });
  return `<h2>Stages</h2><div class="timeline">${rows.join("")}</div>`;
}

function figuresTable(r: MetricResult): string {
  const m = r.resultMetadata;
  const ci = m.confidenceInterval;
  const seq = m.sequential ?? {};
  const rows: [string, string][] = [
    ["ratio (canary mean / baseline mean)", fmt(m.ratio, 4)],
    ["p-value", fmt(m.pValue, 3)],
    [
      `confidence interval of the shift${ci ? ` (${fmt(ci.level * 100, 3)} %)` : ""}`,
      ci ? `[${fmt(ci.lower, 4)}, ${fmt(ci.upper, 4)}]` : "–",
    ],
    ["estimate of the shift", fmt(m.estimate, 4)],
    [`effect size${m.effectSizeMeasure ? ` (${m.effectSizeMeasure})` : ""}`, fmt(m.effectSize, 4)],
  ];
  for (const [k, v] of Object.entries(seq))
    rows.push([k, typeof v === "number" ? fmt(v, 4) : esc(String(v))]);
  return `<table class="figures"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`).join("")}</tbody></table>`;
}

function statsTable(r: MetricResult): string {
  const b = r.controlMetadata.stats;
  const c = r.experimentMetadata.stats;
  const row = (label: string, s: typeof b) =>
    `<tr><th scope="row">${label}</th><td>${s.count}</td><td>${esc(fmt(s.mean, 4))}</td><td>${esc(fmt(s.min, 4))}</td><td>${esc(fmt(s.max, 4))}</td><td>${esc(fmt(s.std, 4))}</td></tr>`;
  return `<div class="table-wrap"><table><thead><tr><th></th><th>count</th><th>mean</th><th>min</th><th>max</th><th>std</th></tr></thead><tbody>${row("baseline", b)}${row("canary", c)}</tbody></table></div>`;
}

function toleranceOf(r: MetricResult): [number, number] | undefined {
  const seq = r.resultMetadata.sequential;
  const lo = seq?.["toleranceLower"];
  const hi = seq?.["toleranceUpper"];
  if (typeof lo === "number" && typeof hi === "number") return [lo, hi];
  const est = r.resultMetadata.estimate;
  if (est === undefined || !Number.isFinite(est)) return undefined;
  const t = KAYENTA_TOLERANCE * Math.abs(est);
  return [-t, t];
}

function renderMetric(
  r: MetricResult,
  pair: MetricSetPair | undefined,
  history: { interval: ReportInterval; result: MetricResult }[],
): string {
  const tags = Object.entries(r.tags ?? {});
  const title = `${r.name}${tags.length ? ` {${tags.map(([k, v]) => `${k}=${v}`).join(", ")}}` : ""}`;
  const flags = [
    r.direction ? `direction ${r.direction}` : "",
    r.critical ? "critical" : "",
    r.muted ? "muted" : "",
  ]
    .filter(Boolean)
    .join(" · ");
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
  const ci = r.resultMetadata.confidenceInterval;
  const tol = toleranceOf(r);
  if (ci)
    charts.push(
      intervalChart(
        `${title}: confidence interval of the shift against the tolerance`,
        ci,
        r.resultMetadata.estimate,
        tol ?? [0, 0],
      ),
    );
  const bounds = history
    .map((h, i) => ({
      x: i,
      ci: h.result.resultMetadata.confidenceInterval,
      estimate: h.result.resultMetadata.estimate,
    }))
    .filter((p) => p.ci !== undefined)
    .map((p) => ({
      x: p.x,
      lower: p.ci!.lower,
      upper: p.ci!.upper,
      ...(p.estimate !== undefined ? { estimate: p.estimate } : {}),
    }));
  if (bounds.length > 1) charts.push(boundChart(`${title}: the bound at each judgement`, bounds, tol));
  const queries = pair?.attributes
    ? [
        ["baseline", pair.attributes.control?.["query"]],
        ["canary", pair.attributes.experiment?.["query"]],
      ].filter((q): q is [string, string] => typeof q[1] === "string")
    : [];
  const classes = history.map(
    (h) =>
      `<span class="iv c-${esc(h.result.classification)}" title="${esc(`stage ${h.interval.stage + 1}, interval ${h.interval.interval + 1}`)}">${esc(h.result.classification)}</span>`,
  );
  return `<article class="metric" data-metric="${esc(r.name)}">
<header><h3>${esc(title)}</h3><span class="badge c-${esc(r.classification)}">${esc(r.classification)}</span><span class="muted">${esc(flags)}</span></header>
${r.classificationReason ? `<p>${esc(r.classificationReason)}</p>` : ""}
<p class="legend"><span class="sw baseline"></span>baseline<span class="sw canary"></span>canary</p>
${charts.join("\n")}
${figuresTable(r)}
${statsTable(r)}
${classes.length > 1 ? `<p class="legend">By judgement: ${classes.join(" ")}</p>` : ""}
${queries.length ? `<details><summary>Query sent to the metric source</summary>${queries.map(([side, q]) => `<p class="muted">${side}</p><pre>${esc(q)}</pre>`).join("")}</details>` : ""}
</article>`;
}

function renderMetrics(model: ReportModel): string {
  const lastIv = [...model.intervals].reverse().find((i) => i.judgeResult);
  const last = lastIv?.judgeResult;
  if (!last) return `<h2>Metrics</h2><p class="muted">No judgement yet.</p>`;
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
  const sections = groupNames
    .map((g) => {
      const rs = last.results.filter((r) => (r.groups[0] ?? "ungrouped") === g);
      if (!rs.length) return "";
      const score = groupScore.get(g);
      return `<section class="group"><h2>${esc(g)}${score === undefined ? "" : ` <span class="muted">group score ${esc(fmt(score, 4))}</span>`}</h2>
<div class="metrics">${rs.map((r) => renderMetric(r, pairs.get(pairKey(r.name, r.tags ?? {})), historyOf(r))).join("\n")}</div></section>`;
    })
    .join("\n");
  return sections;
}

export function renderReport(model: ReportModel): string {
  const s = model.status;
  const title = `${s.verdict ? VERDICT_TEXT[s.verdict] : s.state} · ${s.application} · Coalmine`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
${renderHeader(model)}
${renderTimeline(model)}
${renderMetrics(model)}
<footer>Rendered ${esc(model.generatedAt)} by Coalmine. Every figure comes from the stored judgements of analysis <code>${esc(s.id)}</code>.</footer>
</main></body></html>`;
}
