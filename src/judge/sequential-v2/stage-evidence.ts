// One stage's evidence for one metric series: sufficient statistics of every test, updated pair by pair (O(1) each).
//
// The tests (docs/adr/0006-sequential-judge-v2.md):
// - location: the mean of d = ln(c/b) over the instants where both values are > 0 (continuous), or the
//   Beta-binomial rate ratio of the events (counts);
// - zeros: instants where exactly one arm is 0 (canary > 0 = baseline is a win for "increase");
// - tail: exceedances of a predictable high-water mark q: a win when the canary is above (1+tol)·q
//   and the baseline is not above q, a loss when the baseline is above q and the canary not above
//   (1+tol)·q; if the canary were (1+tol)× an exchangeable copy of the baseline both have the same
//   chance, so the sign test runs against ½ (and the mirror image below a low-water mark);
// - scale: which arm strays further from its own predictable level: a win when the canary's absolute
//   deviation exceeds (1+tol)× the baseline's, a loss otherwise (same argument, against ½).
// Levels and thresholds are updated after each pair is used, so every threshold is predictable.
import { addCountSteps, emptyCountState, type CountState } from "../sequential/count-test";

export interface SignCounts {
  w: number;
  l: number;
}

export interface Level {
  /** Predictable EWMA level of the baseline, of the canary, and of both (raw values). */
  b: number;
  c: number;
  m: number;
  /** EWMA of the mean absolute deviation of both arms from `m`. */
  s: number;
  n: number;
}

export interface StageEvidence {
  stage: number;
  /** Pairs with a finite value on both sides in this stage. */
  n: number;
  /** Judgements that added pairs to this stage (looks at it). */
  looks: number;
  /** d = ln(c/b) over the pairs with both values > 0 (6 significant digits; the stage's values are kept). */
  log: number[];
  /** Exactly one arm is zero: w = canary > 0 = baseline, l = baseline > 0 = canary. */
  zero: SignCounts;
  tailUp: SignCounts;
  tailDown: SignCounts;
  /** Canary strays further from its level than the baseline (w) or the converse (l). */
  scale: SignCounts;
  level: Level;
  /**
   * Per instant, the outcome of each sign test ("+" win, "-" loss, "." neither): their own dependence
   * (a noisier host stays noisier for a while) discounts their counts.
   */
  marks: Record<SignTest, string>;
  count?: CountState;
}

export type SignTest = "zero" | "tailUp" | "tailDown" | "scale";

export interface EvidenceParams {
  /** EWMA weight of levels (after the first 1/w pairs, which are averaged). */
  ewma: number;
  /** Tail thresholds at m ± z·1.2533·s (s a mean absolute deviation, 1.2533 = √(π/2)). */
  tailZ: number;
  /** Pairs before the tail and scale tests count. */
  warmup: number;
}

export const DEFAULT_EVIDENCE_PARAMS: EvidenceParams = { ewma: 0.1, tailZ: 2, warmup: 5 };

export function emptyStageEvidence(stage: number, kind: "count" | "continuous"): StageEvidence {
  return {
    stage,
    n: 0,
    looks: 0,
    log: [],
    zero: { w: 0, l: 0 },
    tailUp: { w: 0, l: 0 },
    tailDown: { w: 0, l: 0 },
    scale: { w: 0, l: 0 },
    level: { b: 0, c: 0, m: 0, s: 0, n: 0 },
    marks: { zero: "", tailUp: "", tailDown: "", scale: "" },
    ...(kind === "count" ? { count: emptyCountState() } : {}),
  };
}

const add = (c: SignCounts, win: boolean, loss: boolean): SignCounts =>
  win || loss ? { w: c.w + (win ? 1 : 0), l: c.l + (loss ? 1 : 0) } : c;

/** Adds time-ordered pairs (both finite); `tolerance` is relative (0.01 = 1 %), `trafficRatio` for counts. */
export function addStagePairs(
  ev: StageEvidence,
  pairs: ReadonlyArray<{ baseline: number; canary: number }>,
  tolerance: number,
  trafficRatio: number,
  params: EvidenceParams = DEFAULT_EVIDENCE_PARAMS,
): StageEvidence {
  const k = 1 + tolerance;
  let { n, zero, tailUp, tailDown, scale, level } = ev;
  const log = [...ev.log];
  const keep = (x: number): number => Number(x.toPrecision(6));
  const marks = { ...(ev.marks ?? { zero: "", tailUp: "", tailDown: "", scale: "" }) };
  const mark = (test: SignTest, before: SignCounts, after: SignCounts): void => {
    marks[test] += after.w > before.w ? "+" : after.l > before.l ? "-" : ".";
  };
  for (const { baseline: b, canary: c } of pairs) {
    n += 1;
    const was = { zero, tailUp, tailDown, scale };
    if (b > 0 && c > 0) log.push(keep(Math.log(c / b)));
    zero = add(zero, c > 0 && b === 0, b > 0 && c === 0);
    if (level.n >= params.warmup) {
      const spread = 1.2533 * level.s;
      if (spread > 0) {
        const up = level.m + params.tailZ * spread;
        tailUp = add(tailUp, c > k * up && b <= up, b > up && c <= k * up);
        const down = level.m - params.tailZ * spread;
        if (down > 0) tailDown = add(tailDown, c < down / k && b >= down, b < down && c >= down / k);
      }
      // Scale on the instants where both arms are > 0 (zeros are the zero test's); exact ties are neutral.
      if (b > 0 && c > 0) {
        const dc = Math.abs(c - level.c);
        const db = Math.abs(b - level.b);
        scale = add(scale, dc > k * db, dc !== db && k * db > dc);
      }
    }
    mark("zero", was.zero, zero);
    mark("tailUp", was.tailUp, tailUp);
    mark("tailDown", was.tailDown, tailDown);
    mark("scale", was.scale, scale);
    // Update the levels after the pair was judged against them.
    const w = level.n === 0 ? 1 : Math.max(params.ewma, 1 / (level.n + 1));
    const mid = (b + c) / 2;
    const m = level.n === 0 ? mid : level.m + w * (mid - level.m);
    const dev = level.n === 0 ? Math.abs(c - b) / 2 : (Math.abs(b - level.m) + Math.abs(c - level.m)) / 2;
    level = {
      b: level.n === 0 ? b : level.b + w * (b - level.b),
      c: level.n === 0 ? c : level.c + w * (c - level.c),
      m,
      s: level.n === 0 ? dev : level.s + w * (dev - level.s),
      n: level.n + 1,
    };
  }
  const count = ev.count
    ? addCountSteps(
        ev.count,
        pairs.map((p) => ({ baseline: Math.max(0, p.baseline), canary: Math.max(0, p.canary) })),
        trafficRatio,
      )
    : undefined;
  const looks = ev.looks + (pairs.length > 0 ? 1 : 0);
  return {
    ...ev,
    n,
    looks,
    log,
    zero,
    tailUp,
    tailDown,
    scale,
    level,
    marks,
    ...(count ? { count } : {}),
  };
}
