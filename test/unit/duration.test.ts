import { describe, expect, it } from "vitest";
import { formatIsoDuration, parseIsoDuration } from "../../src/config/duration";

describe("ISO 8601 durations", () => {
  it.each([
    ["PT5M", 300_000],
    ["PT1H30M", 5_400_000],
    ["P1D", 86_400_000],
    ["P1W", 604_800_000],
    ["PT0.5S", 500],
    ["P1DT2H", 93_600_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
    expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
  });
  it.each(["", "P", "PT", "5M", "P1M2", "PT-5M", "P1Y"])("rejects %j", (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
