// JSON Schema (draft 2020-12) of the config documents, generated from the zod schemas (the single source of truth).
import { z } from "zod";
import { AnalysisRequestSchema } from "./analysis-request.schema";
import { CanaryConfigSchema } from "./canary-config.schema";
import { KayentaCanaryExecutionRequestSchema, KayentaExecutionRequestSchema } from "./kayenta-request.schema";

const DOCUMENTS = [
  {
    file: "canary-config.schema.json",
    title: "Coalmine canary config (Kayenta CanaryConfig)",
    schema: CanaryConfigSchema,
  },
  {
    file: "analysis-request.schema.json",
    title: "Coalmine analysis request",
    schema: AnalysisRequestSchema,
  },
  {
    file: "kayenta-execution-request.schema.json",
    title: "Kayenta CanaryAnalysisExecutionRequest (as Coalmine accepts it)",
    schema: KayentaExecutionRequestSchema,
  },
  {
    file: "kayenta-canary-execution-request.schema.json",
    title: "Kayenta CanaryExecutionRequest of POST /canary/{canaryConfigId} (as Coalmine accepts it)",
    schema: KayentaCanaryExecutionRequestSchema,
  },
] as const;

/**
 * File name → pretty-printed JSON Schema text. Rules zod cannot express in JSON Schema (ISO duration
 * parsing beyond its pattern, cross-field checks) are enforced only by `coalmine validate` and the API.
 * The schemas are strict; Kayenta documents are read more leniently first (docs/configuration.md).
 */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of DOCUMENTS) {
    const { $schema, ...rest } = z.toJSONSchema(d.schema, { io: "input", unrepresentable: "any" });
    const doc = { $schema, title: d.title, ...rest };
    out[d.file] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return out;
}
