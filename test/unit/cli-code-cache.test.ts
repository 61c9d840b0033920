// Command bundles load through V8's code cache (src/cli/code-cache.ts): same exports, require relative to the bundle, a bad cache ignored.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
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

describe("stack traces from a command bundle", () => {
  it("are mapped to the sources with node --enable-source-maps, and still load through the cache without", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coalmine-code-cache-"));
    writeFileSync(
      join(dir, "failing-command.ts"),
      ["export function fail(): never {", '  throw new Error("from the command");', "}", ""].join("\n"),
    );
    const file = join(dir, "failing-command.js");
    await build({
      entryPoints: [join(dir, "failing-command.ts")],
      outfile: file,
      bundle: true,
      platform: "node",
      format: "cjs",
      minify: true,
      sourcemap: "linked",
      logLevel: "silent",
    });
    writeCodeCache(file);
    // The loader as plain JavaScript: tsx would turn source maps on by itself.
    const loader = join(dir, "code-cache.js");
    await build({
      entryPoints: [join(__dirname, "..", "..", "src", "cli", "code-cache.ts")],
      outfile: loader,
      bundle: true,
      platform: "node",
      format: "cjs",
      logLevel: "silent",
    });
    const script = `
      const { loadBundle } = require(${JSON.stringify(loader)});
      try { loadBundle(${JSON.stringify(file)}).fail(); } catch (err) { console.log(err.stack.split("\\n")[1]); }`;
    const run = (flags: string[]) =>
      spawnSync(process.execPath, [...flags, "-e", script], { encoding: "utf8" }).stdout.trim();
    expect(run(["--enable-source-maps"])).toMatch(/failing-command\.ts:2:9\)?$/);
    expect(run([])).toMatch(/failing-command\.js:\d+:\d+\)?$/);
  });
});
