// Server-side SVG charts for the report: time series, distributions (box + strip), an interval against a tolerance.
// Pure string building; every chart scales to its container (viewBox, width 100 %) and needs no script.
import { escapeHtml as escapeXml } from "./html";

export interface Series {
  label: string;
  cssClass: string;
  /** [x, y] points; x in epoch ms or an index. Non-finite y values are gaps. */
  points: [number, number][];
}

const W = 600;
const H = 180;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Compact number format for axis labels and tables (3 significant digits, SI-ish suffixes for large values). */
export function fmt(value: number | string | undefined | null, digits = 3): string {
  if (typeof value === "string") value = Number(value);
  if (value === undefined || value === null || Number.isNaN(value)) return "–";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(Math.max(0, digits - 1));
  return Number(value.toPrecision(digits)).toString();
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function ticks(lo: number, hi: number, count = 4): number[] {
  const step = (hi - lo) / count;
  return Array.from({ length: count + 1 }, (_, i) => lo + i * step);
}

/**
 * Keeps at most `max` points by min/max bucketing (each bucket keeps its lowest and highest point, in order),
 * so spikes survive downsampling and a 100-metric report stays small.
 */
export function downsample(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = points.length / buckets;
  const out: [number, number][] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    let lo: [number, number] | undefined;
    let hi: [number, number] | undefined;
    for (const p of slice) {
      if (!Number.isFinite(p[1])) continue;
      if (!lo || p[1] < lo[1]) lo = p;
      if (!hi || p[1] > hi[1]) hi = p;
    }
    if (!lo || !hi) continue;
    if (lo === hi) out.push(lo);
    else out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  return out;
}

function frame(yLo: number, yHi: number, body: string, title: string, xLabels?: [string, string]): string {
  const yTicks = ticks(yLo, yHi)
    .map((t) => {
      const y = PAD.top + (1 - (t - yLo) / (yHi - yLo)) * (H - PAD.top - PAD.bottom);
      return `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text class="tick" x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${escapeXml(fmt(t))}</text>`;
    })
    .join("");
  const x = xLabels
    ? `<text class="tick" x="${PAD.left}" y="${H - 8}">${escapeXml(xLabels[0])}</text><text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${escapeXml(xLabels[1])}</text>`
    : "";
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" preserveAspectRatio="xMidYMid meet"><title>${escapeXml(title)}</title>${yTicks}${body}${x}</svg>`;
}

function timeLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16) + "Z";
}

/** Baseline against canary over time (one polyline per series, gaps at NaN). */
export function timeSeriesChart(title: string, series: Series[], maxPoints = 200): string {
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const [yLo, yHi] = extent(all.map((p) => p[1]));
  // A loop, not Math.min(...xs): spreading a long series overflows the stack.
  let xLo = xs.reduce((a, x) => (x < a ? x : a), Number.POSITIVE_INFINITY);
  let xHi = xs.reduce((a, x) => (x > a ? x : a), Number.NEGATIVE_INFINITY);
  if (!Number.isFinite(xLo) || !Number.isFinite(xHi)) [xLo, xHi] = [0, 1];
  if (xLo === xHi) xHi = xLo + 1;
  const sx = (x: number) => PAD.left + ((x - xLo) / (xHi - xLo)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => PAD.top + (1 - (y - yLo) / (yHi - yLo)) * (H - PAD.top - PAD.bottom);
  const body = series
    .map((s) => {
      const runs: string[] = [];
      let run: string[] = [];
      for (const [x, y] of downsample(s.points, maxPoints)) {
        if (!Number.isFinite(y)) {
          if (run.length) runs.push(run.join(" "));
          run = [];
          continue;
        }
        run.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      }
      if (run.length) runs.push(run.join(" "));
      return runs
        .map((r) =>
          r.includes(" ")
            ? `<polyline class="line ${s.cssClass}" points="${r}"/>`
            : `<circle class="dot ${s.cssClass}" cx="${r.split(",")[0]}" cy="${r.split(",")[1]}" r="2"/>`,
        )
        .join("");
    })
    .join("");
  const isTime = xLo > 1e11;
  return frame(yLo, yHi, body, title, isTime ? [timeLabel(xLo), timeLabel(xHi)] : undefined);
}

function quantileSorted(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The two distributions side by side: a box plot (quartiles, 1.5 IQR whiskers) with the points as a strip. */
export function distributionChart(
  title: string,
  groups: { label: string; cssClass: string; values: number[] }[],
  maxDots = 120,
): string {
  const finite = groups.map((g) => g.values.filter(Number.isFinite).sort((a, b) => a - b));
  const [yLo, yHi] = extent(finite.flat());
  const sy = (y: number) => PAD.top + (1 - (y - yLo) / (yHi - yLo)) * (H - PAD.top - PAD.bottom);
  const slot = (W - PAD.left - PAD.right) / groups.length;
  const body = groups
    .map((g, i) => {
      const v = finite[i]!;
      const cx = PAD.left + slot * (i + 0.5);
      const label = `<text class="tick" x="${cx.toFixed(1)}" y="${H - 8}" text-anchor="middle">${escapeXml(g.label)} (n=${v.length})</text>`;
      if (v.length === 0) return label;
      const q1 = quantileSorted(v, 0.25);
      const q2 = quantileSorted(v, 0.5);
      const q3 = quantileSorted(v, 0.75);
      const iqr = q3 - q1;
      const wLo = v.find((x) => x >= q1 - 1.5 * iqr) ?? v[0]!;
      const wHi = [...v].reverse().find((x) => x <= q3 + 1.5 * iqr) ?? v[v.length - 1]!;
      const bw = Math.min(80, slot * 0.35);
      const step = Math.max(1, v.length / maxDots);
      // The strip: every dot as a zero-length round-capped segment of ONE path (far smaller than <circle>s).
      const dots: string[] = [];
      for (let k = 0; k < v.length && dots.length < maxDots; k += step) {
        const val = v[Math.floor(k)]!;
        // Deterministic horizontal spread (golden-ratio sequence), so the page is the same on every render.
        const jitter = ((Math.floor(k) * 0.618034) % 1) * bw * 0.5;
        dots.push(`M${(cx + bw / 2 + 6 + jitter).toFixed(0)} ${sy(val).toFixed(0)}h0`);
      }
      return (
        `<line class="whisker" x1="${cx}" x2="${cx}" y1="${sy(wLo).toFixed(1)}" y2="${sy(wHi).toFixed(1)}"/>` +
        `<rect class="box ${g.cssClass}" x="${(cx - bw / 2).toFixed(1)}" y="${sy(q3).toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(1, sy(q1) - sy(q3)).toFixed(1)}"/>` +
        `<line class="median" x1="${(cx - bw / 2).toFixed(1)}" x2="${(cx + bw / 2).toFixed(1)}" y1="${sy(q2).toFixed(1)}" y2="${sy(q2).toFixed(1)}"/>` +
        `<path class="strip ${g.cssClass}" d="${dots.join("")}"/>` +
        label
      );
    })
    .join("");
  return frame(yLo, yHi, body, title);
}

/**
 * A confidence interval of the shift (canary − baseline) against the tolerance band around 0, on one axis:
 * the CI bar, the estimate, and the band inside which a shift counts as no change.
 */
export function intervalChart(
  title: string,
  ci: { lower: number; upper: number },
  estimate: number | undefined,
  tolerance: [number, number],
  /** The value that means "no change" on the judge's scale: 0 for a difference, 1 for a ratio. */
  origin = 0,
): string {
  const h = 64;
  const vals = [ci.lower, ci.upper, tolerance[0], tolerance[1], origin, estimate ?? origin].filter(
    Number.isFinite,
  );
  const [lo, hi] = extent(vals);
  const sx = (x: number) => PAD.left + ((x - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const clampX = (x: number) => sx(Math.min(hi, Math.max(lo, Number.isFinite(x) ? x : x > 0 ? hi : lo)));
  const band = `<rect class="tolerance" x="${clampX(tolerance[0]).toFixed(1)}" y="10" width="${Math.max(1, clampX(tolerance[1]) - clampX(tolerance[0])).toFixed(1)}" height="28"/>`;
  const zero = `<line class="zero" x1="${sx(origin).toFixed(1)}" x2="${sx(origin).toFixed(1)}" y1="6" y2="42"/>`;
  const bar = `<line class="ci" x1="${clampX(ci.lower).toFixed(1)}" x2="${clampX(ci.upper).toFixed(1)}" y1="24" y2="24"/><line class="ci" x1="${clampX(ci.lower).toFixed(1)}" x2="${clampX(ci.lower).toFixed(1)}" y1="17" y2="31"/><line class="ci" x1="${clampX(ci.upper).toFixed(1)}" x2="${clampX(ci.upper).toFixed(1)}" y1="17" y2="31"/>`;
  const est =
    estimate !== undefined && Number.isFinite(estimate)
      ? `<circle class="estimate" cx="${sx(estimate).toFixed(1)}" cy="24" r="4"/>`
      : "";
  const labels = `<text class="tick" x="${PAD.left}" y="${h - 6}">${escapeXml(fmt(lo))}</text><text class="tick" x="${sx(origin).toFixed(1)}" y="${h - 6}" text-anchor="middle">${origin}</text><text class="tick" x="${W - PAD.right}" y="${h - 6}" text-anchor="end">${escapeXml(fmt(hi))}</text>`;
  return `<svg class="chart interval" viewBox="0 0 ${W} ${h}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${band}${zero}${bar}${est}${labels}</svg>`;
}

/** Score meter: the score on 0–100 with the marginal and pass thresholds marked. */
export function scoreMeter(
  score: number | undefined,
  marginal: number,
  pass: number,
  cssClass: string,
): string {
  const w = 600;
  const x = (v: number) => 10 + (Math.max(0, Math.min(100, v)) / 100) * (w - 20);
  const marker =
    score === undefined
      ? ""
      : `<rect class="meter-fill ${cssClass}" x="10" y="14" width="${(x(score) - 10).toFixed(1)}" height="16" rx="3"/>`;
  return (
    `<svg class="meter" viewBox="0 0 ${w} 52" role="img" aria-label="score ${score ?? "none"} of 100; marginal ${marginal}, pass ${pass}">` +
    `<rect class="meter-track" x="10" y="14" width="${w - 20}" height="16" rx="3"/>${marker}` +
    `<line class="threshold" x1="${x(marginal)}" x2="${x(marginal)}" y1="8" y2="36"/><text class="tick" x="${x(marginal)}" y="48" text-anchor="middle">marginal ${marginal}</text>` +
    `<line class="threshold" x1="${x(pass)}" x2="${x(pass)}" y1="8" y2="36"/><text class="tick" x="${x(pass)}" y="48" text-anchor="middle">pass ${pass}</text>` +
    `</svg>`
  );
}

/** A bound over judgements: the interval [lower, upper] at each judgement as a band, the estimate as a line. */
export function boundChart(
  title: string,
  points: { x: number; lower: number; upper: number; estimate?: number }[],
  tolerance?: [number, number],
  /** The value that means "no change": 0 for a difference, 1 for a ratio. */
  origin = 0,
): string {
  const finite = (v: number) => Number.isFinite(v);
  const vals = points
    .flatMap((p) => [p.lower, p.upper, p.estimate ?? NaN])
    .concat(tolerance ?? [], [origin])
    .filter(finite);
  const [yLo, yHi] = extent(vals);
  const n = Math.max(1, points.length - 1);
  const sx = (i: number) => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const clampY = (y: number) => Math.min(yHi, Math.max(yLo, Number.isFinite(y) ? y : y > 0 ? yHi : yLo));
  const sy = (y: number) => PAD.top + (1 - (clampY(y) - yLo) / (yHi - yLo)) * (H - PAD.top - PAD.bottom);
  const tol = tolerance
    ? `<rect class="tolerance" x="${PAD.left}" y="${sy(tolerance[1]).toFixed(1)}" width="${W - PAD.left - PAD.right}" height="${Math.max(1, sy(tolerance[0]) - sy(tolerance[1])).toFixed(1)}"/>`
    : "";
  const upper = points.map((p, i) => `${sx(i).toFixed(1)},${sy(p.upper).toFixed(1)}`);
  const lower = points.map((p, i) => `${sx(i).toFixed(1)},${sy(p.lower).toFixed(1)}`).reverse();
  const band = points.length > 1 ? `<polygon class="band" points="${[...upper, ...lower].join(" ")}"/>` : "";
  const bars = points
    .map(
      (p, i) =>
        `<line class="ci" x1="${sx(i).toFixed(1)}" x2="${sx(i).toFixed(1)}" y1="${sy(p.lower).toFixed(1)}" y2="${sy(p.upper).toFixed(1)}"/>`,
    )
    .join("");
  const est = points.filter((p) => p.estimate !== undefined && finite(p.estimate));
  const estLine =
    est.length > 1
      ? `<polyline class="line canary" points="${points
          .map((p, i) =>
            p.estimate !== undefined && finite(p.estimate)
              ? `${sx(i).toFixed(1)},${sy(p.estimate).toFixed(1)}`
              : "",
          )
          .filter(Boolean)
          .join(" ")}"/>`
      : "";
  const zero = `<line class="zero" x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(origin).toFixed(1)}" y2="${sy(origin).toFixed(1)}"/>`;
  return frame(yLo, yHi, tol + zero + band + bars + estLine, title, [
    `judgement 1`,
    `judgement ${points.length}`,
  ]);
}
