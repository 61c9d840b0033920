// Which kind of document a JSON value is: canary config, native request, Kayenta execution request or standalone body.
import type { AnalysisRequest } from "./analysis-request.schema";
import type { CanaryConfig } from "./canary-config.schema";
import type { KayentaExecutionRequest, KayentaStandaloneBody } from "./kayenta-request.schema";
import type { ValidationProblem, ValidationResult } from "./problems";
import {
  validateAnalysisRequest,
  validateCanaryConfig,
  validateKayentaExecutionRequest,
  validateKayentaStandaloneBody,
} from "./validate";

export type DocumentKind =
  "canary-config" | "analysis-request" | "kayenta-execution-request" | "kayenta-standalone-body";

export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  "canary-config": "canary config",
  "analysis-request": "analysis request",
  "kayenta-execution-request": "Kayenta execution request",
  "kayenta-standalone-body": "Kayenta standalone request (canaryConfig + executionRequest)",
};

const KAYENTA_REQUEST_KEYS = [
  "lifetimeDurationMins",
  "analysisIntervalMins",
  "beginAfterMins",
  "lookbackMins",
  "siteLocal",
];

/** The kind by its telling keys, or undefined when the value looks like none of them. */
export function detectDocument(json: unknown): DocumentKind | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const doc = json as Record<string, unknown>;
  const has = (k: string) => k in doc;
  if (has("executionRequest")) return "kayenta-standalone-body";
  if (Array.isArray(doc["scopes"]) || KAYENTA_REQUEST_KEYS.some(has)) return "kayenta-execution-request";
  if (has("stages") || has("application") || (typeof doc["scopes"] === "object" && doc["scopes"] !== null))
    return "analysis-request";
  if (has("metrics")) return "canary-config";
  return undefined;
}

export type DetectedValidation =
  | { kind: "canary-config"; result: ValidationResult<CanaryConfig> }
  | {
      kind: "analysis-request";
      result: ValidationResult<AnalysisRequest>;
    }
  | {
      kind: "kayenta-execution-request";
      result: ValidationResult<KayentaExecutionRequest>;
    }
  | {
      kind: "kayenta-standalone-body";
      result: ValidationResult<KayentaStandaloneBody>;
    }
  | { kind: undefined; result: { ok: false; problems: ValidationProblem[] } };

/** Detects the kind and validates the value as that kind. */
export function validateDocument(json: unknown): DetectedValidation {
  const kind = detectDocument(json);
  switch (kind) {
    case "canary-config":
      return { kind, result: validateCanaryConfig(json) };
    case "analysis-request":
      return { kind, result: validateAnalysisRequest(json) };
    case "kayenta-execution-request":
      return { kind, result: validateKayentaExecutionRequest(json) };
    case "kayenta-standalone-body":
      return { kind, result: validateKayentaStandaloneBody(json) };
    default:
      return {
        kind: undefined,
        result: {
          ok: false,
          problems: [
            {
              path: "$",
              message:
                "not a canary config ('metrics'), analysis request ('stages'), Kayenta execution request ('scopes' list) or standalone body ('canaryConfig' + 'executionRequest')",
            },
          ],
        },
      };
  }
}
