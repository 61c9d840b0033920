// Which kind of document a JSON value is: canary config, native request, or one of Kayenta's execution requests and bodies.
import type { AnalysisRequest } from "./analysis-request.schema";
import type { CanaryConfig } from "./canary-config.schema";
import type {
  KayentaCanaryAdhocBody,
  KayentaCanaryExecutionRequest,
  KayentaExecutionRequest,
  KayentaStandaloneBody,
} from "./kayenta-request.schema";
import type { ValidationProblem, ValidationResult } from "./problems";
import {
  validateAnalysisRequest,
  validateCanaryConfig,
  validateKayentaCanaryAdhocBody,
  validateKayentaCanaryRequest,
  validateKayentaExecutionRequest,
  validateKayentaStandaloneBody,
} from "./validate";

export type DocumentKind =
  | "canary-config"
  | "analysis-request"
  | "kayenta-execution-request"
  | "kayenta-standalone-body"
  | "kayenta-canary-request"
  | "kayenta-canary-body";

export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  "canary-config": "canary config",
  "analysis-request": "analysis request",
  "kayenta-execution-request": "Kayenta execution request",
  "kayenta-standalone-body": "Kayenta standalone request (canaryConfig + executionRequest)",
  "kayenta-canary-request": "Kayenta canary execution request (POST /canary/{canaryConfigId})",
  "kayenta-canary-body": "Kayenta ad-hoc canary request (POST /canary: canaryConfig + executionRequest)",
};

const KAYENTA_REQUEST_KEYS = [
  "lifetimeDurationMins",
  "analysisIntervalMins",
  "beginAfterMins",
  "lookbackMins",
  "siteLocal",
];

/** /canary's CanaryExecutionRequest: `scopes` by name, each with `controlScope`/`experimentScope` objects. */
function isCanaryRequest(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const scopes = (value as Record<string, unknown>)["scopes"];
  if (typeof scopes !== "object" || scopes === null || Array.isArray(scopes)) return false;
  return Object.values(scopes).some(
    (pair) =>
      typeof pair === "object" &&
      pair !== null &&
      ["controlScope", "experimentScope"].some(
        (k) => typeof (pair as Record<string, unknown>)[k] === "object",
      ),
  );
}

/** The kind by its telling keys, or undefined when the value looks like none of them. */
export function detectDocument(json: unknown): DocumentKind | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const doc = json as Record<string, unknown>;
  const has = (k: string) => k in doc;
  if (has("executionRequest"))
    return isCanaryRequest(doc["executionRequest"]) ? "kayenta-canary-body" : "kayenta-standalone-body";
  if (isCanaryRequest(doc)) return "kayenta-canary-request";
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
  | { kind: "kayenta-canary-request"; result: ValidationResult<KayentaCanaryExecutionRequest> }
  | { kind: "kayenta-canary-body"; result: ValidationResult<KayentaCanaryAdhocBody> }
  | { kind: undefined; result: { ok: false; problems: ValidationProblem[]; warnings?: ValidationProblem[] } };

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
    case "kayenta-canary-request":
      return { kind, result: validateKayentaCanaryRequest(json) };
    case "kayenta-canary-body":
      return { kind, result: validateKayentaCanaryAdhocBody(json) };
    default:
      return {
        kind: undefined,
        result: {
          ok: false,
          problems: [
            {
              path: "$",
              message:
                "not a canary config ('metrics'), analysis request ('stages'), Kayenta execution request ('scopes' list, or 'scopes' by name with 'controlScope' and 'experimentScope') or Kayenta body ('canaryConfig' + 'executionRequest')",
            },
          ],
        },
      };
  }
}
