// The OpenAPI 3.1 document, generated from the route table and the zod schemas (z.toJSONSchema).
import { z } from "zod";
import { ANALYSIS_STATES } from "../analysis/analysis-status";
import { AnalysisRequestSchema } from "../config/analysis-request.schema";
import { CanaryConfigSchema } from "../config/canary-config.schema";
import {
  KayentaCanaryAdhocBodySchema,
  KayentaCanaryExecutionRequestSchema,
  KayentaExecutionRequestSchema,
  KayentaStandaloneBodySchema,
} from "../config/kayenta-request.schema";
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
  kayentaCanaryStart: "KayentaCanaryExecutionRequest",
  kayentaCanaryStartAdhoc: "KayentaCanaryAdhocBody",
  kayentaConfigCreate: "CanaryConfig",
  kayentaConfigUpdate: "CanaryConfig",
};

const warningsSchema = { type: "array", items: { type: "string" } };
const canaryStarted = {
  type: "object",
  required: ["canaryExecutionId"],
  properties: { canaryExecutionId: { type: "string" }, warnings: warningsSchema },
};
const configSaved = {
  type: "object",
  required: ["canaryConfigId"],
  properties: { canaryConfigId: { type: "string" }, warnings: warningsSchema },
};

/** Kayenta's CanaryExecutionStatusResponse, the members Coalmine writes (docs/http-api.md). */
const KayentaCanaryStatusSchema = {
  type: "object",
  required: ["application", "pipelineId", "stageStatus", "complete", "status"],
  properties: {
    application: { type: "string" },
    parentPipelineExecutionId: { type: "string" },
    pipelineId: { type: "string" },
    stageStatus: { type: "object", additionalProperties: { type: "string" } },
    complete: { type: "boolean" },
    status: { enum: ["not_started", "running", "succeeded", "terminal", "canceled"] },
    exception: { type: "object" },
    result: {
      type: "object",
      properties: { judgeResult: { type: "object" }, canaryDuration: { type: ["string", "null"] } },
    },
    config: { $ref: "#/components/schemas/CanaryConfig" },
    canaryConfigId: { type: "string" },
    canaryExecutionRequest: { $ref: "#/components/schemas/KayentaCanaryExecutionRequest" },
    metricSetPairListId: { type: "string" },
    buildTimeMillis: { type: "integer" },
    buildTimeIso: { type: "string", format: "date-time" },
    startTimeMillis: { type: "integer" },
    startTimeIso: { type: "string", format: "date-time" },
    endTimeMillis: { type: "integer" },
    endTimeIso: { type: "string", format: "date-time" },
    storageAccountName: { type: "string" },
    metricsAccountName: { type: "string" },
    configurationAccountName: { type: "string" },
    warnings: warningsSchema,
  },
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
  kayentaCanaryStart: canaryStarted,
  kayentaCanaryStartAdhoc: canaryStarted,
  kayentaCanaryStatus: { $ref: "#/components/schemas/KayentaCanaryStatus" },
  kayentaCanaryExecutions: { type: "array", items: { $ref: "#/components/schemas/KayentaCanaryStatus" } },
  kayentaConfigList: {
    type: "array",
    items: {
      type: "object",
      properties: {
        id: { type: "string" },
        name: { type: "string" },
        updatedTimestamp: { type: "integer" },
        updatedTimestampIso: { type: "string" },
        applications: { type: "array", items: { type: "string" } },
      },
    },
  },
  kayentaConfigGet: { $ref: "#/components/schemas/CanaryConfig" },
  kayentaConfigCreate: configSaved,
  kayentaConfigUpdate: configSaved,
  kayentaCredentials: {
    type: "array",
    items: {
      type: "object",
      properties: {
        name: { type: "string" },
        type: { type: "string" },
        supportedTypes: { type: "array", items: { type: "string" } },
      },
    },
  },
  kayentaJudges: {
    type: "array",
    items: { type: "object", properties: { name: { type: "string" }, visible: { type: "boolean" } } },
  },
  kayentaMetricSetPairList: { type: "array", items: { type: "object" } },
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
        r.name === "analysesStart" ||
        r.name === "analysesDecision" ||
        r.name === "analysesCancel" ||
        r.name === "kayentaPipelineCancel";
      const deleted = r.name === "kayentaConfigDelete";
      const okSchema = OK_BODIES[r.name];
      const html = r.name === "analysesReport" || r.name === "index";
      const responses: Record<string, unknown> = {
        [started ? "202" : deleted ? "204" : "200"]: {
          description: started ? "Accepted" : deleted ? "Deleted" : "OK",
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
        KayentaCanaryExecutionRequest: json(KayentaCanaryExecutionRequestSchema),
        KayentaCanaryAdhocBody: json(KayentaCanaryAdhocBodySchema),
        KayentaCanaryStatus: KayentaCanaryStatusSchema,
        AnalysisStatus: AnalysisStatusSchema,
        Judgement: JudgementSchema,
        Problem: ProblemSchema,
      },
    },
  };
}
