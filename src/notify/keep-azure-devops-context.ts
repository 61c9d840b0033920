// An analysis started by an Azure DevOps agentless task: its headers checked and the context (with the AuthToken) sealed at rest.
import type { ArtifactStore } from "../analysis/ports/store";
import { readAzureDevOpsHeaders } from "./azure-devops-context";
import { azureDevOpsArtifactPath, sealAzureDevOpsContext } from "./azure-devops-notifier";
import { AZURE_DEVOPS_HOSTS, OutboundBlockedError, OutboundGuard } from "./outbound-guard";
import type { SecretBox } from "./secret-box";

/** Why the context cannot be kept: headers incomplete or PlanUrl not allowed (the caller's fault), or no key (ours). */
export class AzureDevOpsContextError extends Error {
  override readonly name = "AzureDevOpsContextError";
  constructor(
    message: string,
    readonly reason: "incomplete" | "blocked" | "no-key",
    /** Which header is wrong and how (JSON-path style `header:name`). */
    readonly problems: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface KeepAzureDevOpsContextDeps {
  artifacts: ArtifactStore;
  /** Seals the AuthToken (COALMINE_SECRET_KEY); absent = the context cannot be kept. */
  secretBox?: SecretBox | undefined;
  /** Why COALMINE_SECRET_KEY cannot be used (set but not a 256-bit key, or an unresolved Key Vault reference). */
  secretBoxProblem?: string | undefined;
  /** COALMINE_OUTBOUND_ALLOWLIST, for checking the PlanUrl at once. */
  outboundAllowlist?: string | undefined;
}

/**
 * Stores the sealed Azure DevOps context when the agentless task's headers are there (before the start);
 * returns whether there was one. Throws AzureDevOpsContextError when it cannot be kept.
 */
export async function keepAzureDevOpsContext(
  headers: Record<string, string>,
  analysisId: string,
  deps: KeepAzureDevOpsContextDeps,
): Promise<boolean> {
  const found = readAzureDevOpsHeaders(headers);
  if (!found.present) return false;
  if ("missing" in found) {
    throw new AzureDevOpsContextError(
      "Azure DevOps task headers are incomplete",
      "incomplete",
      found.missing.map((h) => ({ path: `header:${h}`, message: "required with PlanUrl/AuthToken" })),
    );
  }
  const guard = new OutboundGuard(
    deps.outboundAllowlist !== undefined ? { allowlist: deps.outboundAllowlist } : {},
  );
  try {
    guard.withHosts(AZURE_DEVOPS_HOSTS).checkSyntax(found.context.planUrl);
  } catch (err) {
    if (!(err instanceof OutboundBlockedError)) throw err;
    throw new AzureDevOpsContextError("The PlanUrl header is not an allowed Azure DevOps URL", "blocked", [
      { path: "header:planurl", message: err.message },
    ]);
  }
  if (!deps.secretBox) {
    // Fail closed: never accepted without a usable key (docs/security.md "The secret key").
    throw new AzureDevOpsContextError(
      deps.secretBoxProblem !== undefined
        ? `${deps.secretBoxProblem}, so the Azure DevOps AuthToken cannot be kept; fix the setting and retry`
        : "COALMINE_SECRET_KEY is not set, so the Azure DevOps AuthToken cannot be kept; set it and retry",
      "no-key",
    );
  }
  await deps.artifacts.putJson(
    azureDevOpsArtifactPath(analysisId),
    sealAzureDevOpsContext(deps.secretBox, analysisId, found.context),
  );
  return true;
}
