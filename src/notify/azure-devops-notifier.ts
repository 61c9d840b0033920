// Azure DevOps agentless task callbacks (azure.md §5a): progress lines to the job's feed, TaskCompleted at the end.
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { AnalysisEvent } from "../analysis/ports/notifier";
import { type AzureDevOpsContext, taskEventsUrl, timelineFeedUrl } from "./azure-devops-context";
import { progressLine } from "./event-payload";
import { postWithRetry, type OutboundDeps } from "./outbound-post";
import type { SealedSecret, SecretBox } from "./secret-box";

/** What is stored per analysis (`analyses/{id}/azure-devops.json`): the headers, the AuthToken sealed. */
export interface SealedAzureDevOpsContext extends Omit<AzureDevOpsContext, "authToken"> {
  version: 1;
  authToken: SealedSecret;
}

export const azureDevOpsArtifactPath = (analysisId: string): string =>
  `analyses/${analysisId}/azure-devops.json`;

/** Seals the AuthToken, bound to the analysis id. */
export function sealAzureDevOpsContext(
  box: SecretBox,
  analysisId: string,
  c: AzureDevOpsContext,
): SealedAzureDevOpsContext {
  const { authToken, ...rest } = c;
  return { version: 1, ...rest, authToken: box.seal(authToken, `azure-devops:${analysisId}`) };
}

export function openAzureDevOpsContext(
  box: SecretBox,
  analysisId: string,
  s: SealedAzureDevOpsContext,
): AzureDevOpsContext {
  const { authToken, version: _version, ...rest } = s;
  return { ...rest, authToken: box.open(authToken, `azure-devops:${analysisId}`) };
}

export type OnMarginalAction = "fail" | "pass" | "await-decision";

/** The task result: passed succeeds; a marginal end succeeds only when the request said `onMarginal: pass`. */
export function taskResult(
  status: AnalysisStatus,
  onMarginal: OnMarginalAction | undefined,
): "succeeded" | "failed" {
  if (status.state === "passed") return "succeeded";
  if (status.state === "marginal" && onMarginal === "pass") return "succeeded";
  return "failed";
}

/** ServerTaskHelper truncates feed lines to 1024 characters. */
const MAX_LINE = 1024;

export class AzureDevOpsNotifier {
  constructor(private readonly deps: OutboundDeps) {}

  async deliver(
    context: AzureDevOpsContext,
    analysisId: string,
    event: AnalysisEvent,
    onMarginal: OnMarginalAction | undefined,
  ): Promise<void> {
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${context.authToken}`,
      "user-agent": "coalmine",
    };
    const lines = [progressLine(analysisId, event)].map((l) =>
      l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l,
    );
    await postWithRetry(
      this.deps,
      timelineFeedUrl(context),
      headers,
      JSON.stringify({ value: lines, count: lines.length }),
      `Azure DevOps feed (plan ${context.planId})`,
    );
    if (event.event !== "completed") return;
    const body = {
      name: "TaskCompleted",
      taskId: context.taskInstanceId,
      jobId: context.jobId,
      result: taskResult(event.status, onMarginal),
    };
    await postWithRetry(
      this.deps,
      taskEventsUrl(context),
      headers,
      JSON.stringify(body),
      `Azure DevOps TaskCompleted (plan ${context.planId})`,
    );
  }
}
