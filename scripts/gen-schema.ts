// Writes docs/schema/*.schema.json from the zod schemas: `npx tsx scripts/gen-schema.ts` (test/unit/config-json-schema.test.ts fails when they are stale).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchemas } from "../src/config/json-schema";

const dir = join(__dirname, "..", "docs", "schema");
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote docs/schema/${file}`);
}
