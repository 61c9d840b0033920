// `npm run bench`: runs every bench/*.bench.ts in turn and prints their figures (pass a name to run one).
import { readdirSync } from "node:fs";
import { join } from "node:path";

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => !only || f.startsWith(only))
    .sort();
  for (const f of files) {
    console.log(`\n== ${f} ==`);
    const mod = (await import(join(__dirname, f))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
