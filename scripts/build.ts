// `npm run build`: the bundled production build (esbuild) — the Functions entry, the CLI, and dist/deploy, the package
// that goes to Azure (the entry, host.json and the one external module); docs/adr/0011-fast-where-users-wait.md.
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const ROOT = join(__dirname, "..");

/**
 * Left outside the bundles. `@azure/functions` is the module the Functions worker hands the registrations to (it
 * reaches the host through `@azure/functions-core`, which only the worker provides); one copy of it is shared with
 * durable-functions and with the local runtime's registration capture. Azurite stays a package: only the CLI's
 * `serve` loads it, never Azure.
 */
const FUNCTIONS_EXTERNAL = ["@azure/functions", "@azure/functions-core"];
const CLI_EXTERNAL = [...FUNCTIONS_EXTERNAL, "azurite"];

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  // Error classes and handlers keep their names in messages and stack traces.
  keepNames: true,
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
  // import() of a split-off bundle becomes require(): no trip through the ES module loader and its CommonJS lexer.
  supported: { "dynamic-import": false },
  // Some SDKs' ESM builds (picked for our `import`s) locate themselves with import.meta.url: the bundle's own file.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
  // Optional peers of the SDKs that Coalmine never uses (native keychains, WebSocket and broker plug-ins).
  logOverride: { "require-resolve-not-external": "silent" },
};

/**
 * Splits a bundle where the code already loads lazily: a dynamic `import()` of one of `targets` (source module →
 * file next to the importing bundle) stays a runtime `require` of that file, built as a bundle of its own. Only the
 * dynamic imports are cut; a static import of the same module still bundles it in.
 */
function lazyBoundaries(targets: Record<string, string>): Plugin {
  return {
    name: "lazy-boundaries",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const target = targets[join(args.resolveDir, args.path)];
        return target === undefined ? undefined : { path: target, external: true };
      });
    },
  };
}

const COMMANDS = ["validate", "judge", "fetch", "run", "serve", "demo", "purge"];

/**
 * The CLI's commands: each dynamic `import()` of one becomes a call of `loadBundle` (src/cli/code-cache.ts) on the
 * command's own bundle, which compiles it with the V8 code cache the build writes next to it (`writeCodeCaches`).
 */
function commandBundles(targets: Record<string, string>): Plugin {
  const loader = join(ROOT, "src", "cli", "code-cache.ts");
  return {
    name: "command-bundles",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const target = targets[join(args.resolveDir, args.path)];
        return target === undefined ? undefined : { path: target, namespace: "command-bundle" };
      });
      b.onLoad({ filter: /.*/, namespace: "command-bundle" }, (args) => ({
        contents:
          `const { loadBundle } = require(${JSON.stringify(loader)});\n` +
          `module.exports = loadBundle(require("node:path").join(__dirname, ${JSON.stringify(args.path)}));\n`,
        loader: "js",
        resolveDir: ROOT,
      }));
    },
  };
}

/** Runs each command bundle's top level in a fresh `node` and writes its code cache (`<bundle>.cache`). */
function writeCodeCaches(cliEntry: string, commandsDir: string): void {
  for (const c of COMMANDS) {
    const bundle = join(commandsDir, `${c}.js`);
    const child = spawnSync(
      process.execPath,
      ["-e", `require(${JSON.stringify(cliEntry)}).writeCodeCache(${JSON.stringify(bundle)})`],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    if (child.status !== 0) throw new Error(`writing the code cache of ${bundle} failed: ${child.stderr}`);
  }
}

/**
 * @azure/identity and MSAL behind it, reached only through `import()` from src/identity/lazy-credential.ts when a
 * credential is first asked for a token: a bundle of its own next to each bundle that may need it.
 */
const IDENTITY_SOURCE = join(ROOT, "src", "identity", "azure-identity");
const IDENTITY_BUNDLE = "azure-identity.js";
const identityBoundary = { [IDENTITY_SOURCE]: `./${IDENTITY_BUNDLE}` };

export interface BuildResult {
  functionsEntry: string;
  cliEntry: string;
  deployDir: string;
  metafiles: Record<string, Metafile>;
}

/**
 * Builds into `outDir` (default dist/): functions/index.js (what the host loads: registrations only) and
 * functions/app.js (the Azure composition root, loaded by the first invocation); cli/main.js and one bundle per
 * command in cli/commands/; deploy/.
 */
export async function buildAll(outDir: string = join(ROOT, "dist")): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  const functionsEntry = join(outDir, "functions", "index.js");
  const cliEntry = join(outDir, "cli", "main.js");
  const commandTargets = Object.fromEntries(
    COMMANDS.map((c) => [join(ROOT, "src", "cli", "commands", c), `./commands/${c}.js`]),
  );
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: [join(ROOT, "functions", "index.ts")],
      outfile: functionsEntry,
      external: FUNCTIONS_EXTERNAL,
      plugins: [lazyBoundaries({ [join(ROOT, "src", "app", "azure")]: "./app.js", ...identityBoundary })],
    }),
    build({
      ...common,
      entryPoints: [join(ROOT, "src", "app", "azure.ts")],
      outfile: join(outDir, "functions", "app.js"),
      external: FUNCTIONS_EXTERNAL,
      plugins: [lazyBoundaries(identityBoundary)],
    }),
    build({
      ...common,
      entryPoints: [`${IDENTITY_SOURCE}.ts`],
      outfile: join(outDir, "functions", IDENTITY_BUNDLE),
      external: FUNCTIONS_EXTERNAL,
    }),
    build({
      ...common,
      entryPoints: [join(ROOT, "src", "cli", "main.ts")],
      outfile: cliEntry,
      external: CLI_EXTERNAL,
      plugins: [commandBundles(commandTargets)],
    }),
    build({
      ...common,
      entryPoints: [
        ...COMMANDS.map((c) => ({ in: join(ROOT, "src", "cli", "commands", `${c}.ts`), out: c })),
        { in: `${IDENTITY_SOURCE}.ts`, out: IDENTITY_BUNDLE.replace(/\.js$/, "") },
      ],
      outdir: join(outDir, "cli", "commands"),
      external: CLI_EXTERNAL,
      plugins: [lazyBoundaries(identityBoundary)],
    }),
  ]);
  writeCodeCaches(cliEntry, join(outDir, "cli", "commands"));
  const deployDir = join(outDir, "deploy");
  writeDeployPackage(deployDir, dirname(functionsEntry));
  const labels = ["functions entry", "functions app", "functions identity", "cli main", "cli commands"];
  return {
    functionsEntry,
    cliEntry,
    deployDir,
    metafiles: Object.fromEntries(
      results.map((r, i): [string, Metafile] => [labels[i] ?? String(i), r.metafile as Metafile]),
    ),
  };
}

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;

/** The folder of an installed package, looked up from `from` as Node would. */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} is not installed (looked up from ${from})`);
  }
}

/**
 * dist/deploy: what runs in Azure and nothing else — host.json, a package.json whose `main` is the bundled entry,
 * the bundle, and node_modules with only the external packages and their dependencies, copied from this install.
 */
function writeDeployPackage(deployDir: string, functionsDir: string): void {
  const root = readPackage(ROOT);
  cpSync(functionsDir, join(deployDir, "functions"), { recursive: true });
  cpSync(join(ROOT, "host.json"), join(deployDir, "host.json"));
  const external = "@azure/functions";
  const copied = new Set<string>();
  const copy = (name: string, from: string): void => {
    if (copied.has(name)) return;
    copied.add(name);
    const dir = packageDir(name, from);
    cpSync(dir, join(deployDir, "node_modules", name), { recursive: true, dereference: true });
    for (const dep of Object.keys(readPackage(dir).dependencies ?? {})) copy(dep, dir);
  };
  copy(external, ROOT);
  const pkg = {
    name: `${root.name}-functions`,
    version: root.version,
    description: `${root.description ?? root.name} (the deployment package built by npm run build)`,
    license: root.license,
    private: true,
    main: "functions/index.js",
    engines: root.engines,
    dependencies: { [external]: root.dependencies?.[external] },
  };
  writeFileSync(join(deployDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Input bytes per package (or "coalmine" for our own code) in a bundle, largest first. */
export function bundleComposition(metafile: Metafile): [string, number][] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? "coalmine";
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

// Run as a script (npm run build), not when a test imports buildAll.
if (typeof require !== "undefined" && require.main === module) {
  buildAll()
    .then((r) => {
      for (const [label, meta] of Object.entries(r.metafiles)) {
        const total = bundleComposition(meta).reduce((s, [, n]) => s + n, 0);
        console.log(`${label}: ${(total / 1024).toFixed(0)} KiB`);
      }
      console.log(`deployment package: ${relative(ROOT, r.deployDir)}`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
