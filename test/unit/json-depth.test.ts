// The depth of a JSON document: the text scan (HTTP bodies) and the parsed-value walk (CLI files) agree; deep files are refused.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonFile } from "../../src/cli/json-files";
import { UsageError } from "../../src/cli/cli-io";
import { jsonDepth, jsonValueDepth } from "../../src/config/json-depth";

const documents = [
  "1",
  '"[{"',
  "[]",
  "{}",
  '{"a":[1,2,{"b":[[]]}],"c":"]]]"}',
  '[[1],[[2]],[[[3]]],{"k":{"k":{"k":{}}}}]',
  '{"values":{"control":[1,2,3],"experiment":["NaN",4]},"tags":{"x":"\\"{"}}',
  "[".repeat(70) + "]".repeat(70),
];

describe("JSON depth", () => {
  it.each(documents)("the value walk gives the text scan's depth: %s", (text) => {
    expect(jsonValueDepth(JSON.parse(text))).toBe(jsonDepth(text));
  });

  it("a CLI input file nested deeper than the limit is a usage error naming the file and the depth", () => {
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
    expect(jsonValueDepth(readJsonFile({ cwd: dir }, "ok.json", "canary config"))).toBe(64);
  });
});
