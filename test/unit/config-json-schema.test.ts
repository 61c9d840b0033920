import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderJsonSchemas } from "../../src/config/json-schema";

const dir = join(__dirname, "..", "..", "docs", "schema");

describe("docs/schema is generated from the zod schemas", () => {
  const rendered = renderJsonSchemas();
  it("renders the four documents", () => {
    expect(Object.keys(rendered).sort()).toEqual([
      "analysis-request.schema.json",
      "canary-config.schema.json",
      "kayenta-canary-execution-request.schema.json",
      "kayenta-execution-request.schema.json",
    ]);
  });
  it.each(Object.entries(rendered))(
    "%s is up to date (else run: npx tsx scripts/gen-schema.ts)",
    (file, text) => {
      expect(readFileSync(join(dir, file), "utf8")).toBe(text);
    },
  );
  it("forbids unknown keys and carries the duration pattern", () => {
    const schema = JSON.parse(rendered["analysis-request.schema.json"] ?? "{}");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.stages.items.properties.duration.pattern).toMatch(/^\^P/);
  });
});
