// Loading a bundled CLI command with V8's code cache, written next to it by the build (docs/performance.md).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** The cache of `dist/cli/commands/judge.js` is `judge.js.cache`. */
export const CODE_CACHE_SUFFIX = ".cache";

interface CommonJsModule {
  exports: unknown;
  filename: string;
  loaded: boolean;
}

/**
 * Compiles a CommonJS bundle as Node's loader would (the same function wrapper), with the cached data when given.
 * V8 refuses data made by another V8 version, other flags or another text (`cachedDataRejected`) and compiles
 * from scratch: a stale or foreign cache costs nothing but the read.
 */
function compile(file: string, cachedData: Buffer | undefined): Script {
  const source = readFileSync(file, "utf8");
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  return new Script(wrapped, { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
}

function run(script: Script, file: string): CommonJsModule {
  const module: CommonJsModule = { exports: {}, filename: file, loaded: false };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: CommonJsModule,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module;
}

/**
 * `require(file)` for a bundle of our own (no module of it is shared with anything else), compiled with its code
 * cache when there is one: parsing and compiling the bundle is most of a command's start-up. With source maps on
 * (`node --enable-source-maps`), a plain `require`.
 */
export function loadBundle(file: string): unknown {
  // Node maps stack traces through a bundle's source map (--enable-source-maps) only for modules its own loader
  // compiled: then a readable stack matters more than the milliseconds the cache saves.
  if (process.sourceMapsEnabled) return createRequire(file)(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}${CODE_CACHE_SUFFIX}`);
  } catch {
    cachedData = undefined;
  }
  return run(compile(file, cachedData), file).exports;
}

/** Whether V8 takes the code cache next to `file` (false when there is none or it is stale or foreign). */
export function codeCacheAccepted(file: string): boolean {
  let cachedData: Buffer;
  try {
    cachedData = readFileSync(`${file}${CODE_CACHE_SUFFIX}`);
  } catch {
    return false;
  }
  return !compile(file, cachedData).cachedDataRejected;
}

/**
 * Loads a bundle (running its top level, which compiles what loading needs) and writes V8's code cache for it;
 * the build runs this in a fresh `node` for each command (scripts/build.ts).
 */
export function writeCodeCache(file: string): void {
  const script = compile(file, undefined);
  run(script, file);
  writeFileSync(`${file}${CODE_CACHE_SUFFIX}`, script.createCachedData());
}
