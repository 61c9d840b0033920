// `coalmine run` settings: local.settings.json "Values" and .env under the environment.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCliSettings, parseDotEnv } from "../../src/cli/settings-files";

describe("CLI settings files", () => {
  it("parses .env lines with comments, export and quotes", () => {
    expect(
      parseDotEnv("# c\nexport A=1\nB = \"two words\"\nC='x#y'\nD=plain # trailing\nnot a line\nE=\n"),
    ).toEqual({ A: "1", B: "two words", C: "x#y", D: "plain", E: "" });
  });

  it("layers the environment over .env over local.settings.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-settings-"));
    writeFileSync(
      join(dir, "local.settings.json"),
      JSON.stringify({ IsEncrypted: false, Values: { A: "local", B: "local", C: "local", N: 1 } }),
    );
    writeFileSync(join(dir, ".env"), "B=dotenv\nC=dotenv\n");
    expect(loadCliSettings({ C: "env" }, dir)).toEqual({ A: "local", B: "dotenv", C: "env" });
    expect(loadCliSettings({ X: "1" }, mkdtempSync(join(tmpdir(), "coalmine-empty-")))).toEqual({ X: "1" });
  });

  it("names a broken local.settings.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-settings-"));
    writeFileSync(join(dir, "local.settings.json"), "{ nope");
    expect(() => loadCliSettings({}, dir)).toThrow(/^local.settings.json is not JSON/);
  });
});
