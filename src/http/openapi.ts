// The OpenAPI 3.1 document, generated from the route table and the zod schemas (z.toJSONSchema).
import { z } from "zod";
import { ANALYSIS_STATES } from "../analysis/analysis-status";
import { AnalysisRequestSchema } from "../config/analysis-request.schema";
import { CanaryConfigSchema } from "../config/canary-config.schema";
import { KayentaExecutionRequestSchema, KayentaStandaloneBodySchema } from "../config/kayenta-request.schema";
import { DecisionSchema, MAX_START_WAIT_MS } from "./analysis-handlers";
import { formatIsoDuration } from "../config/duration";
import type { HttpDeps } from "./http-deps";
import type { Route } from "./router";

const json = (schema: z.ZodType): Record<string, unknown> => {
  const out = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    unrepresentable: "any",
    io: "input",
  }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};

const ProblemSchema = {
  type: "object",
  required: ["type", "title", "status"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

const JudgementSchema = {
  type: "object",
  properties: {
    stage: { type: "integer" },
    interval: { type: "integer" },
    start: { type: "string", format: "date-time" },
    end: { type: "string", format: "date-time" },
    score: { type: "number" },
    classification: { enum: ["Pass", "Marginal", "Fail"] },
    failedMetrics: { type: "array", items: { type: "string" } },
    undecidedMetrics: { type: "array", items: { type: "string" } },
  },
};

/** docs/http-api.md: the analysis status (a TypeScript interface, so written out here). */
const AnalysisStatusSchema = {
  type: "object",
  required: ["id", "application", "state", "judge", "judgements", "createdAt", "updatedAt", "reportUrl"],
  properties: {
    id: { type: "string" },
    application: { type: "string" },
    state: { enum: [...ANALYSIS_STATES] },
    verdict: { enum: ["pass", "marginal", "fail"] },
    score: { type: "number" },
    reason: { type: "string" },
    judge: { type: "string" },
    stage: { type: "object", properties: { index: { type: "integer" }, name: { type: "string" } } },
    interval: { type: "integer" },
    nextJudgementAt: { type: "string", format: "date-time" },
    judgements: { type: "array", items: { $ref: "#/components/schemas/Judgement" } },
    warnings: { type: "array", items: { type: "string" } },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    reportUrl: { type: "string" },
  },
};

const REQUEST_BODIES: Record<string, string> = {
  analysesStart: "AnalysisRequest",
  analysesDecision: "Decision",
  configsPut: "CanaryConfig",
  kayentaStart: "KayentaStandaloneBody",
  kayentaStartStored: "KayentaExecutionRequest",
};

const OK_BODIES: Record<string, Record<string, unknown>> = {
  analysesGet: { $ref: "#/components/schemas/AnalysisStatus" },
  analysesList: {
    type: "object",
    properties: {
      items: { type: "array", items: { $ref: "#/components/schemas/AnalysisStatus" } },
      continuationToken: { type: "string" },
    },
  },
  kayentaStart: { type: "object", properties: { canaryAnalysisExecutionId: { type: "string" } } },
  kayentaStartStored: { type: "object", properties: { canaryAnalysisExecutionId: { type: "string" } } },
  configsGet: { $ref: "#/components/schemas/CanaryConfig" },
};

/** `POST /api/analyses?wait=PT60S`: answer 200 with the final status when the analysis ends within it. */
const START_WAIT_PARAMETER = {
  name: "wait",
  in: "query",
  required: false,
  description: `ISO 8601 duration, at most ${formatIsoDuration(MAX_START_WAIT_MS)}: wait this long for the verdict`,
  schema: { type: "string", example: "PT60S" },
};

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

export function openApiDocument(routes: readonly Route<HttpDeps>[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.pattern.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    for (const method of r.methods) {
      const bodyName = REQUEST_BODIES[r.name];
      const started =
        r.name === "analysesStart" || r.name === "analysesDecision" || r.name === "analysesCancel";
      const okSchema = OK_BODIES[r.name];
      const html = r.name === "analysesReport" || r.name === "index";
      const responses: Record<string, unknown> = {
        [started ? "202" : "200"]: {
          description: started ? "Accepted" : "OK",
          ...(html
            ? { content: { "text/html": { schema: { type: "string" } } } }
            : okSchema
              ? { content: { "application/json": { schema: okSchema } } }
              : {}),
        },
        ...(r.name === "analysesStart"
          ? {
              "200": {
                description: "Ended within ?wait: the final status",
                content: { "application/json": { schema: { type: "object" } } },
              },
            }
          : {}),
        "400": problemResponse("Bad input: every problem with its JSON path"),
        "404": problemResponse("No such resource"),
        ...(r.name === "analysesDecision" || r.name === "analysesCancel"
          ? { "409": problemResponse("Not in a state that allows this") }
          : {}),
        ...(bodyName ? { "413": problemResponse("Request body too large") } : {}),
        "500": problemResponse("Unexpected error (logged; no details)"),
      };
      (paths[r.pattern] ??= {})[method.toLowerCase()] = {
        operationId: r.name,
        summary: r.summary,
        ...(params.length || r.name === "analysesStart"
          ? { parameters: r.name === "analysesStart" ? [...params, START_WAIT_PARAMETER] : params }
          : {}),
        ...(bodyName
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: { $ref: `#/components/schemas/${bodyName}` } } },
              },
            }
          : {}),
        responses,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Coalmine",
      version: "0.1.0",
      description: "Automated canary analysis. Errors are application/problem+json (RFC 9457).",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    security: [{ functionKey: [] }, { functionKeyQuery: [] }],
    paths,
    components: {
      securitySchemes: {
        functionKey: { type: "apiKey", in: "header", name: "x-functions-key" },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code" },
      },
      schemas: {
        AnalysisRequest: json(AnalysisRequestSchema),
        CanaryConfig: json(CanaryConfigSchema),
        Decision: json(DecisionSchema),
        KayentaStandaloneBody: json(KayentaStandaloneBodySchema),
        KayentaExecutionRequest: json(KayentaExecutionRequestSchema),
        AnalysisStatus: AnalysisStatusSchema,
        Judgement: JudgementSchema,
        Problem: ProblemSchema,
      },
    },
  };
}
