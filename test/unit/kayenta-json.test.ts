// Kayenta JSON: non-finite numbers written as Jackson does and read back by the one reviver, text left as text.
import { describe, expect, it } from "vitest";
import { fromKayentaJson, toKayentaJson } from "../../src/judge/kayenta-json";

describe("Kayenta JSON", () => {
  it("round-trips NaN and ±Infinity in values arrays and in result fields", () => {
    const value = {
      values: [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      ratio: Number.NaN,
      nested: { score: Number.NEGATIVE_INFINITY },
    };
    const text = toKayentaJson(value);
    expect(text).toBe(
      '{"values":[1,"NaN","Infinity","-Infinity"],"ratio":"NaN","nested":{"score":"-Infinity"}}',
    );
    expect(fromKayentaJson(text)).toEqual(value);
  });

  it("keeps tag values and names that read like non-finite numbers as text", () => {
    const pair = {
      name: "NaN",
      tags: { zone: "Infinity", other: "-Infinity", plain: "12" },
      scope: "-Infinity",
      values: { control: ["NaN"] },
    };
    expect(fromKayentaJson(JSON.stringify(pair))).toEqual({
      name: "NaN",
      tags: { zone: "Infinity", other: "-Infinity", plain: "12" },
      scope: "-Infinity",
      values: { control: [Number.NaN] },
    });
  });
});
