import { describe, expect, it } from "vitest";
import { logContextOf, logLine } from "../../src/logging";

describe("structured logs", () => {
  it("keeps only correlation fields from inputs", () => {
    const input = {
      analysisId: "01J",
      application: "checkout",
      stage: { index: 1, name: "33%", trafficWeight: 33 },
      interval: 2,
      url: "https://hooks.example/x?sig=SECRET",
      authToken: "SECRET",
    };
    const line = logLine("activity.notify.completed", logContextOf(input), { durationMs: 12 });
    expect(JSON.parse(line)).toEqual({
      event: "activity.notify.completed",
      analysisId: "01J",
      application: "checkout",
      stage: 1,
      interval: 2,
      durationMs: 12,
    });
    expect(line).not.toContain("SECRET");
  });

  it("figures never overwrite the event or correlation fields", () => {
    const line = JSON.parse(logLine("x", { analysisId: "a" }, { event: "y", analysisId: "b", score: 3 }));
    expect(line).toEqual({ event: "x", analysisId: "a", score: 3 });
  });
});
