// The depth of a JSON text (src/config/json-depth.ts) against a character-by-character reference; deep CLI files are refused.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/cli-io";
import { readJsonFile } from "../../src/cli/json-files";
import { jsonDepth } from "../../src/config/json-depth";

/** The reference: every character in turn, strings skipped (with their escapes). */
function depthByCharacters(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") max = Math.max(max, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return max;
}

const documents = [
  "1",
  '"[{"',
  "[]",
  "{}",
  '{"a":[1,2,{"b":[[]]}],"c":"]]]"}',
  '[[1],[[2]],[[[3]]],{"k":{"k":{"k":{}}}}]',
  '{"values":{"control":[1,2,3],"experiment":["NaN",4]},"tags":{"x":"\\"{[","y":"\\\\"},"z":[[["\\\\\\""]]]}',
  '["unterminated [[[',
  '["a\\\\"]]]',
  "[".repeat(70) + "]".repeat(70),
];

describe("jsonDepth", () => {
  it.each(documents)("counts what a character-by-character scan counts: %s", (text) => {
    expect(jsonDepth(text)).toBe(depthByCharacters(text));
  });

  it("refuses a CLI input file nested deeper than the limit, naming the file and the depth", () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-depth-"));
    writeFileSync(join(dir, "deep.json"), `{"metrics":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    writeFileSync(join(dir, "ok.json"), `{"metrics":${"[".repeat(63)}${"]".repeat(63)}}`);
    let error: unknown;
    try {
      readJsonFile({ cwd: dir }, "deep.json", "canary config");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      "deep.json: the canary config file is refused: the JSON is nested 100001 levels deep; the limit is 64",
    );
    expect(readJsonFile({ cwd: dir }, "ok.json", "canary config")).toHaveProperty("metrics");
  });
});
