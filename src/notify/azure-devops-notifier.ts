// Azure DevOps server-task callbacks (jobs, checks, classic release gates): feed lines, the task log, TaskCompleted.
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { AnalysisEvent } from "../analysis/ports/notifier";
import {
  type AzureDevOpsContext,
  completionIds,
  isGatesHub,
  planUrl,
  taskEventsUrl,
  taskLogsUrl,
  timelineFeedUrl,
  timelineRecordsUrl,
} from "./azure-devops-context";
import { progressLine } from "./event-payload";
import { DeliveryError, postWithRetry, requestWithRetry, type OutboundDeps } from "./outbound-post";
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
const clip = (line: string): string => (line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);

/** The task's log at the end: the report link, one line per judgement, the outcome. */
export function taskLogLines(analysisId: string, event: AnalysisEvent): string[] {
  const s = event.status;
  return [
    `Coalmine analysis ${analysisId} of ${s.application} (judge ${s.judge}); report: ${event.reportUrl}`,
    ...s.judgements.map(
      (j) =>
        `stage ${j.stage} interval ${j.interval} [${j.start} .. ${j.end}]: score ${j.score} (${j.classification})${j.failedMetrics.length ? `; failed: ${j.failedMetrics.join(", ")}` : ""}`,
    ),
    progressLine(analysisId, { ...event, event: "completed" }),
  ].map(clip);
}

const isNotFound = (err: unknown): boolean => err instanceof DeliveryError && err.status === 404;

/**
 * Jobs (`build`, `release`), YAML environment checks (`checks`) and classic release gates (`Gates`): feed lines
 * where there is a job timeline, the task log and TaskCompleted at the end, with the identifiers the hub expects
 * (docs/http-api.md "Azure DevOps").
 */
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
    const where = `plan ${context.planId}`;
    const completed = event.event === "completed";
    // Gates have no job timeline; elsewhere a missing timeline (404) only means there is no console to write to.
    if (!isGatesHub(context)) {
      const lines = [clip(progressLine(analysisId, event))];
      try {
        await postWithRetry(
          this.deps,
          timelineFeedUrl(context),
          headers,
          JSON.stringify({ value: lines, count: lines.length }),
          `Azure DevOps feed (${where})`,
        );
      } catch (err) {
        // At the end the verdict matters more than its console line: TaskCompleted goes out regardless.
        if (!isNotFound(err) && !(completed && err instanceof DeliveryError)) throw err;
      }
    }
    if (!completed) return;
    await this.writeTaskLog(context, headers, taskLogLines(analysisId, event));
    const planVersion = isGatesHub(context) ? await this.planVersion(context, headers) : undefined;
    const ids = completionIds(context, planVersion);
    const body = {
      name: "TaskCompleted",
      taskId: ids.taskId,
      jobId: ids.jobId,
      result: taskResult(event.status, onMarginal),
    };
    await postWithRetry(
      this.deps,
      taskEventsUrl(context),
      headers,
      JSON.stringify(body),
      `Azure DevOps TaskCompleted (${where})`,
    );
  }

  /** The plan's version (`GET` the plan); gates on plans up to version 12 complete with other identifiers. */
  private async planVersion(context: AzureDevOpsContext, headers: Record<string, string>): Promise<number> {
    const { text } = await requestWithRetry(
      this.deps,
      { method: "GET", url: planUrl(context), headers },
      `Azure DevOps plan (plan ${context.planId})`,
    );
    let version: unknown;
    try {
      version = (JSON.parse(text) as { version?: unknown }).version;
    } catch (err) {
      throw new DeliveryError(`Azure DevOps plan (plan ${context.planId}): not JSON`, undefined, false, {
        cause: err,
      });
    }
    if (typeof version !== "number" || !Number.isInteger(version)) {
      throw new DeliveryError(
        `Azure DevOps plan (plan ${context.planId}): no integer 'version' in the answer`,
        undefined,
        true,
      );
    }
    return version;
  }

  /**
   * The task's persistent log (create, append, attach to the TaskInstanceId record), as ServerTaskHelper's
   * TaskLogger does. Best effort: a plan without such a timeline or record answers 404, and no log failure
   * holds back TaskCompleted.
   */
  private async writeTaskLog(
    context: AzureDevOpsContext,
    headers: Record<string, string>,
    lines: string[],
  ): Promise<boolean> {
    const what = `Azure DevOps task log (plan ${context.planId})`;
    try {
      const created = await requestWithRetry(
        this.deps,
        {
          method: "POST",
          url: taskLogsUrl(context),
          headers,
          body: JSON.stringify({ path: `logs\\${context.taskInstanceId}` }),
        },
        what,
      );
      const logId = (JSON.parse(created.text) as { id?: unknown }).id;
      if (typeof logId !== "number") return false;
      await requestWithRetry(
        this.deps,
        {
          method: "POST",
          url: taskLogsUrl(context, logId),
          headers: { ...headers, "content-type": "application/octet-stream" },
          body: `${lines.join("\n")}\n`,
        },
        what,
      );
      await requestWithRetry(
        this.deps,
        {
          method: "PATCH",
          url: timelineRecordsUrl(context),
          headers,
          body: JSON.stringify({ value: [{ id: context.taskInstanceId, log: { id: logId } }], count: 1 }),
        },
        what,
      );
      return true;
    } catch (err) {
      if (err instanceof DeliveryError || err instanceof SyntaxError) return false;
      throw err;
    }
  }
}
