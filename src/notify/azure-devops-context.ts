// The Azure DevOps agentless task's headers, read case-insensitively, and the URLs built from them (docs/http-api.md).

/** What the "Invoke Azure Function" / "Invoke REST API" task sends so the job can be completed later. */
export interface AzureDevOpsContext {
  planUrl: string;
  projectId: string;
  hubName: string;
  planId: string;
  jobId: string;
  timelineId: string;
  taskInstanceId: string;
  authToken: string;
}

const HEADERS: Record<keyof AzureDevOpsContext, string> = {
  planUrl: "planurl",
  projectId: "projectid",
  hubName: "hubname",
  planId: "planid",
  jobId: "jobid",
  timelineId: "timelineid",
  taskInstanceId: "taskinstanceid",
  authToken: "authtoken",
};

export type AzureDevOpsHeaders =
  { present: false } | { present: true; context: AzureDevOpsContext } | { present: true; missing: string[] };

/** Reads the task headers; `present` when any of them is there, `missing` names the absent ones. */
export function readAzureDevOpsHeaders(headers: Record<string, string>): AzureDevOpsHeaders {
  const lower: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  // PlanUrl and AuthToken mark an agentless call; the others alone could be anything.
  if (lower.planurl === undefined && lower.authtoken === undefined) return { present: false };
  const missing: string[] = [];
  const context: Partial<AzureDevOpsContext> = {};
  for (const [key, header] of Object.entries(HEADERS) as [keyof AzureDevOpsContext, string][]) {
    const value = lower[header]?.trim();
    if (!value) missing.push(header);
    else context[key] = value;
  }
  return missing.length
    ? { present: true, missing }
    : { present: true, context: context as AzureDevOpsContext };
}

/** `{PlanUrl}{ProjectId}/_apis/distributedtask/hubs/{HubName}/plans/{PlanId}` with the slash joined carefully. */
export function planBase(
  c: Pick<AzureDevOpsContext, "planUrl" | "projectId" | "hubName" | "planId">,
): string {
  const root = c.planUrl.endsWith("/") ? c.planUrl : `${c.planUrl}/`;
  const e = encodeURIComponent;
  return `${root}${e(c.projectId)}/_apis/distributedtask/hubs/${e(c.hubName)}/plans/${e(c.planId)}`;
}

/** The TaskCompleted event URL. */
export function taskEventsUrl(c: AzureDevOpsContext): string {
  return `${planBase(c)}/events?api-version=2.0-preview.1`;
}

/** The job's live console feed; ServerTaskHelper passes JobId as the record id (docs/http-api.md "Azure DevOps"). */
export function timelineFeedUrl(c: AzureDevOpsContext): string {
  const e = encodeURIComponent;
  return `${planBase(c)}/timelines/${e(c.timelineId)}/records/${e(c.jobId)}/feed?api-version=7.2-preview.1`;
}

/** The plan itself (`GET` answers a TaskOrchestrationPlan whose `version` decides a gate's identifiers). */
export function planUrl(c: AzureDevOpsContext): string {
  return `${planBase(c)}?api-version=5.1`;
}

/** Task logs of the plan: create (`POST …/logs`), then append content (`POST …/logs/{id}`). */
export function taskLogsUrl(c: AzureDevOpsContext, logId?: number): string {
  return `${planBase(c)}/logs${logId === undefined ? "" : `/${logId}`}?api-version=7.1`;
}

/** Timeline records of the plan (`PATCH` attaches a log to the task's record). */
export function timelineRecordsUrl(c: AzureDevOpsContext): string {
  return `${planBase(c)}/timelines/${encodeURIComponent(c.timelineId)}/records?api-version=7.1`;
}

export const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";

/** Classic release gates run in the `Gates` hub: no job timeline, and older plans key TaskCompleted differently. */
export const isGatesHub = (c: Pick<AzureDevOpsContext, "hubName">): boolean =>
  c.hubName.toLowerCase() === "gates";

/** The last plan version whose gates complete with `jobId = TaskInstanceId, taskId = empty GUID`. */
export const LAST_GATES_PLAN_VERSION_WITH_TASK_AS_JOB = 12;

/**
 * The identifiers of the TaskCompleted event. Jobs and checks: `jobId = JobId`, `taskId = TaskInstanceId`.
 * Gates on a plan of version 12 or older: `jobId = TaskInstanceId`, `taskId` the empty GUID (as Microsoft's
 * ServerTaskHelper does; docs/http-api.md "Classic release gates").
 */
export function completionIds(
  c: AzureDevOpsContext,
  planVersion: number | undefined,
): { jobId: string; taskId: string } {
  if (isGatesHub(c) && planVersion !== undefined && planVersion <= LAST_GATES_PLAN_VERSION_WITH_TASK_AS_JOB) {
    return { jobId: c.taskInstanceId, taskId: EMPTY_GUID };
  }
  return { jobId: c.jobId, taskId: c.taskInstanceId };
}
