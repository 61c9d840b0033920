// Kayenta's own sample canary configs for stackdriver, graphite, influxdb, signalfx and wavefront (test/fixtures/configs/kayenta-samples, copied unchanged) validate as they are; the two with mistakes Kayenta ignores are rejected, naming them.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateCanaryConfig } from "../../src/config/validate";

const DIR = join(__dirname, "../fixtures/configs/kayenta-samples");
const load = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), "utf8"));
const REJECTED: Record<string, string[]> = {
  "json-formats-wavefront.config.json": [
    "$.metrics[0].query.summerization: unknown key 'summerization': did you mean 'summarization'?",
  ],
  // `services` is far from every config key: ignored with a warning, as Kayenta ignores it (docs/configuration.md).
  "graphite-controller-sample.config.json": ["$.name: is required"],
};
const files = readdirSync(DIR).filter((f) => f.endsWith(".config.json"));

describe("Kayenta's sample configs", () => {
  it("cover every new source type", () => {
    const types = new Set(
      files.flatMap((f) =>
        (load(f) as { metrics: { query: { type: string } }[] }).metrics.map((m) => m.query.type),
      ),
    );
    expect([...types].sort()).toEqual(["graphite", "influxdb", "signalfx", "stackdriver", "wavefront"]);
  });

  it.each(files.filter((f) => !(f in REJECTED)))("%s validates unchanged", (file) => {
    const result = validateCanaryConfig(load(file));
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([]);
  });

  it.each(Object.entries(REJECTED))("%s is rejected for the mistake Kayenta ignores", (file, expected) => {
    const result = validateCanaryConfig(load(file));
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(expected);
  });

  it("warns about the key Kayenta ignores in the graphite controller sample", () => {
    const result = validateCanaryConfig(load("graphite-controller-sample.config.json"));
    expect(result.warnings?.map((w) => w.path)).toEqual(["$.services"]);
  });
});
