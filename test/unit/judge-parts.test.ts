// The judge's parts: preprocessing (NaN, R-7 percentiles, widened IQR fences), stats, effect sizes, mixer, registry, JSON.
import { describe, expect, it } from "vitest";
import { resolveCanaryOptions } from "../../src/config/canary-config.schema";
import { describeSample } from "../../src/judge/descriptive-stats";
import { cles, meanRatio } from "../../src/judge/effect-sizes";
import { fromJsonNumber, fromKayentaJson, toKayentaJson } from "../../src/judge/kayenta-json";
import { MetricSetMixError, mixMetricSets } from "../../src/judge/metric-set-mixer";
import {
  applyNanStrategy,
  iqrFences,
  percentileR7,
  prepareSample,
  preprocess,
  removeOutliers,
} from "../../src/judge/preprocess";
import { shiftedRankSum } from "../../src/judge/rank-sum";
import {
  DEFAULT_JUDGE,
  getJudge,
  JUDGE_NAMES,
  selectJudgeName,
  UnknownJudgeError,
} from "../../src/judge/registry";

describe("preprocessing", () => {
  it("NaN: remove drops, replace maps to 0, infinities stay", () => {
    expect(applyNanStrategy([1, NaN, Infinity, -Infinity], "remove")).toEqual([1, Infinity, -Infinity]);
    expect(applyNanStrategy([1, NaN, Infinity], "replace")).toEqual([1, 0, Infinity]);
  });

  it("R-7 percentiles and the widened fences agree with R", () => {
    // R: x <- c(3,1,4,1,5,9,2,6,5,3,5,100); quantile(x, c(.01,.25,.75,.99))
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 100];
    const sorted = [...x].sort((a, b) => a - b);
    expect([1, 25, 75, 99].map((p) => percentileR7(sorted, p))).toEqual([1, 2.75, 5.25, 89.990000000000052]);
    expect(iqrFences(x, 3)).toEqual({ lower: -4.75, upper: 89.990000000000052 });
    expect(removeOutliers(x, 3)).toEqual([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
  });

  it("percentiles of one value and of the ends", () => {
    expect(percentileR7([7], 1)).toBe(7);
    expect(percentileR7([1, 2], 100)).toBe(2);
    expect(percentileR7([], 50)).toBeNaN();
  });

  it("fences widen to p1/p99, so a small sample keeps its extremes", () => {
    expect(removeOutliers([1, 2, 3, 1000], 0.1)).toEqual(
      [1, 2, 3, 1000].filter((v) => v <= percentileR7([1, 2, 3, 1000], 99)),
    );
  });

  it("infinite values give NaN fences that remove nothing", () => {
    expect(removeOutliers([1, 2, Infinity], 3)).toEqual([1, 2, Infinity]);
  });

  it("prepareSample sorts once: the sorted view holds exactly the kept values, copies only when needed", () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 100, -100, NaN];
    const removing = resolveCanaryOptions({
      analysisConfigurations: { canary: { outliers: { strategy: "remove", outlierFactor: 3 } } },
    });
    const prepared = prepareSample(x, removing);
    expect(prepared.values).toEqual(removeOutliers(applyNanStrategy(x, "remove") as number[], 3));
    expect(Array.from(prepared.sorted)).toEqual([...prepared.values].sort((a, b) => a - b));
    expect(Array.from(prepareSample([2, Infinity, 1], removing).sorted)).toEqual([1, 2, Infinity]);
    // Nothing to drop or replace: the caller's array comes back as it is.
    const clean = [3, 1, 2];
    expect(prepareSample(clean, removing).values).toBe(clean);
    expect(applyNanStrategy(clean, "replace")).toBe(clean);
    expect(
      Array.from(
        prepareSample(
          [NaN, 2, 1],
          resolveCanaryOptions({ analysisConfigurations: { canary: { nanStrategy: "replace" } } }),
        ).sorted,
      ),
    ).toEqual([0, 1, 2]);
  });

  it("options: default keeps outliers, NaN removed", () => {
    expect(preprocess([1, NaN, 1e9, 2, 3], resolveCanaryOptions({}))).toEqual([1, 1e9, 2, 3]);
  });
});

describe("stats and effect sizes", () => {
  it("sample std (n − 1), 0 for one value, zeros when empty", () => {
    expect(describeSample([2, 4, 4, 4, 5, 5, 7, 9]).std).toBeCloseTo(2.138089935299395, 14);
    expect(describeSample([5])).toEqual({ count: 1, mean: 5, min: 5, max: 5, std: 0 });
    expect(describeSample([])).toEqual({ count: 0, mean: 0, min: 0, max: 0, std: 0 });
  });

  it("mean ratio, NaN when a mean is 0", () => {
    expect(meanRatio([1, 3], [4, 4])).toBe(2);
    expect(meanRatio([-1, 1], [4])).toBeNaN();
    expect(meanRatio([1], [0, 0])).toBeNaN();
  });

  it("CLES = P(canary > baseline) + ½ P(tie)", () => {
    expect(cles([1, 2], [3, 4])).toBe(1);
    expect(cles([3, 4], [1, 2])).toBe(0);
    expect(cles([1, 2, 3], [1, 2, 3])).toBe(0.5);
    // pairs (c, b): c=2 beats 1, ties 2; c=0 loses both → (1 + 0.5) / 4
    expect(cles([1, 2], [2, 0])).toBe(0.375);
  });

  it("the merge walk ranks ties as R's rank(): x = c(1,2,2) − 0 vs y = c(2,3)", () => {
    // rank(c(1,2,2,2,3)) = 1, 3, 3, 3, 5 → x ranks sum 7; one tie group of 3 → 24
    expect(shiftedRankSum([1, 2, 2], [2, 3], 0)).toEqual({ rankSumX: 7, tieTerm: 24 });
    // shifted by 1: x − 1 = 0,1,1 → rank(c(0,1,1,2,3)) = 1, 2.5, 2.5 → 6; one tie pair → 6
    expect(shiftedRankSum([1, 2, 2], [2, 3], 1)).toEqual({ rankSumX: 6, tieTerm: 6 });
  });
});

describe("metric set mixer (Kayenta's rules)", () => {
  const s = (tags: Record<string, string>, values: number[]) => ({ name: "m", tags, values });

  it("pairs by exact tags, unions tag sets, fills a missing side with NaN", () => {
    const pairs = mixMetricSets(
      "m",
      [s({ pod: "a" }, [1]), s({ pod: "b" }, [2])],
      [s({ pod: "b" }, [3]), s({ pod: "c" }, [4])],
      { expectedPoints: { baseline: 2, canary: 2 } },
    );
    expect(pairs).toEqual([
      { name: "m", tags: { pod: "a" }, values: { control: [1, NaN], experiment: [NaN, NaN] } },
      { name: "m", tags: { pod: "b" }, values: { control: [2, NaN], experiment: [3, NaN] } },
      { name: "m", tags: { pod: "c" }, values: { control: [NaN, NaN], experiment: [4, NaN] } },
    ]);
  });

  it("a side with only an empty tag set is the template for every tag set of the other", () => {
    const pairs = mixMetricSets("m", [s({}, [NaN, NaN])], [s({ pod: "a" }, [1, 2]), s({ pod: "b" }, [3, 4])]);
    expect(pairs.map((p) => [p.tags, p.values.control.length, p.values.experiment])).toEqual([
      [{ pod: "a" }, 2, [1, 2]],
      [{ pod: "b" }, 2, [3, 4]],
    ]);
  });

  it("tag order inside a tag set does not matter", () => {
    const pairs = mixMetricSets("m", [s({ a: "1", b: "2" }, [1])], [s({ b: "2", a: "1" }, [2])]);
    expect(pairs).toHaveLength(1);
  });

  it("no data on either side still yields one (empty-tag) pair, so the judge says Nodata", () => {
    expect(mixMetricSets("m", [], [], { expectedPoints: { baseline: 1, canary: 1 } })).toEqual([
      { name: "m", tags: {}, values: { control: [NaN], experiment: [NaN] } },
    ]);
  });

  it("different tag keys on the two sides is an error", () => {
    expect(() =>
      mixMetricSets("m", [s({ pod: "a" }, [1])], [s({ zone: "a" }, [1])]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[MetricSetMixError: metric 'm': baseline tag keys ["pod"] differ from canary tag keys ["zone"]]`,
    );
    expect(() => mixMetricSets("m", [s({ pod: "a" }, [1])], [s({ zone: "a" }, [1])])).toThrow(
      MetricSetMixError,
    );
  });
});

describe("registry and JSON", () => {
  it("knows NetflixACAJudge-v1.0 as the default", () => {
    expect(DEFAULT_JUDGE).toBe("NetflixACAJudge-v1.0");
    expect(JUDGE_NAMES).toContain("NetflixACAJudge-v1.0");
    expect(getJudge().name).toBe("NetflixACAJudge-v1.0");
    expect(() => getJudge("dredd-v1.0")).toThrow(UnknownJudgeError);
  });

  it("selects override, then config.judge.name, then the default", () => {
    expect(selectJudgeName({ judge: { name: "a" } }, "b")).toBe("b");
    expect(selectJudgeName({ judge: { name: "a" } })).toBe("a");
    expect(selectJudgeName({})).toBe(DEFAULT_JUDGE);
  });

  it("writes non-finite numbers as Jackson does and reads them back", () => {
    expect(toKayentaJson({ ratio: NaN, a: [Infinity, -Infinity, 1] })).toBe(
      '{"ratio":"NaN","a":["Infinity","-Infinity",1]}',
    );
    expect(fromJsonNumber("NaN")).toBeNaN();
    expect(fromJsonNumber("-Infinity")).toBe(-Infinity);
  });

  it("takes the one-pass paths only when no non-finite number can be involved", () => {
    expect(toKayentaJson({ a: [1, 2], b: "x" })).toBe('{"a":[1,2],"b":"x"}');
    expect(toKayentaJson({ a: null, b: [NaN] }, 1)).toBe('{\n "a": null,\n "b": [\n  "NaN"\n ]\n}');
    expect(fromKayentaJson('{"a":[1,"NaN"],"b":"-Infinity"}')).toEqual({ a: [1, NaN], b: -Infinity });
    expect(fromKayentaJson('{"a":[1,2],"b":"Inf"}')).toEqual({ a: [1, 2], b: "Inf" });
  });
});
