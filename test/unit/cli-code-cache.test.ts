// Command bundles load through V8's code cache (src/cli/code-cache.ts): same exports, require relative to the bundle, a bad cache ignored.
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeCacheAccepted, loadBundle, writeCodeCache } from "../../src/cli/code-cache";

function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "coalmine-code-cache-"));
  writeFileSync(join(dir, "helper.js"), "module.exports = { twice: (x) => 2 * x };\n");
  writeFileSync(
    join(dir, "command.js"),
    [
      '"use strict";',
      'const { twice } = require("./helper.js");',
      "exports.answer = twice(21);",
      "exports.where = [__filename, __dirname];",
      "exports.self = this === exports;",
    ].join("\n"),
  );
  return dir;
}

describe("CLI bundles with a code cache", () => {
  it("loads a bundle as require would, with or without its cache", () => {
    const dir = bundleDir();
    const file = join(dir, "command.js");
    const expected = { answer: 42, where: [file, dir], self: true };
    expect(codeCacheAccepted(file)).toBe(false); // none yet
    expect(loadBundle(file)).toEqual(expected);
    writeCodeCache(file);
    expect(existsSync(`${file}.cache`)).toBe(true);
    expect(codeCacheAccepted(file)).toBe(true);
    expect(loadBundle(file)).toEqual(expected);
  });

  it("ignores a cache V8 refuses (another text, version or garbage)", () => {
    const dir = bundleDir();
    const file = join(dir, "command.js");
    writeFileSync(`${file}.cache`, "not a code cache");
    expect(codeCacheAccepted(file)).toBe(false);
    expect(loadBundle(file)).toMatchObject({ answer: 42 });
  });
});
