// The report loader reads stored Kayenta JSON: NaN and ±Infinity come back as numbers, and the page renders.
import { describe, expect, it } from "vitest";
import { toKayentaJson } from "../../src/judge/kayenta-json";
import { loadReportModel } from "../../src/report/load-report";
import { renderReport } from "../../src/report/render-report";
import { artifactPaths } from "../../src/analysis/ports/store";
import { MemoryAnalysisStore } from "../../src/store/memory-analysis-store";
import { MemoryArtifactStore } from "../../src/store/memory-artifact-store";
import { FAILING } from "../helpers/report-models";

describe("loadReportModel", () => {
  it("restores non-finite numbers and keeps the stored order", async () => {
    const fixture = FAILING();
    const analyses = new MemoryAnalysisStore();
    const artifacts = new MemoryArtifactStore();
    const id = fixture.status.id;
    await artifacts.putJson(artifactPaths.request(id), {
      application: "checkout",
      stages: [
        { name: "10%", duration: "PT10M" },
        { name: "33%", duration: "PT10M" },
      ],
      thresholds: { pass: 90, marginal: 70 },
    });
    for (const iv of fixture.intervals) {
      const result = structuredClone(iv.judgeResult!);
      result.results[0]!.resultMetadata.ratio = Number.NaN;
      const judgementRef = artifactPaths.judgement(id, iv.stage, iv.interval);
      const pairsRef = artifactPaths.pairs(id, iv.stage, iv.interval);
      await artifacts.putText(judgementRef, toKayentaJson(result), "application/json");
      const pairs = structuredClone(fixture.finalPairs);
      pairs[0]!.values.experiment[3] = Number.NaN;
      await artifacts.putText(pairsRef, toKayentaJson(pairs), "application/json");
      await analyses.putInterval({
        analysisId: id,
        stage: iv.stage,
        interval: iv.interval,
        start: iv.start,
        end: iv.end,
        score: iv.score,
        classification: iv.classification,
        counts: {},
        failedMetrics: iv.failedMetrics,
        pairsRef,
        judgementRef,
      });
    }
    const model = await loadReportModel(fixture.status, { analyses, artifacts }, "2026-11-23T12:00:00Z");
    expect(model.thresholds).toEqual({ pass: 90, marginal: 70 });
    expect(model.stages.map((s) => s.name)).toEqual(["10%", "33%"]);
    expect(model.intervals).toHaveLength(fixture.intervals.length);
    expect(model.intervals.at(-1)!.judgeResult!.results[0]!.resultMetadata.ratio).toBeNaN();
    expect(model.finalPairs[0]!.values.experiment[3]).toBeNaN();
    const html = renderReport(model);
    expect(html).toContain('id="verdict">FAIL<');
  });
});
