// The Azure DevOps agentless task's headers (azure.md §5a), read case-insensitively, and the URLs built from them.

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
  const lower: Record<string, string> = {};
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

/** The TaskCompleted event URL (azure.md §5a). */
export function taskEventsUrl(c: AzureDevOpsContext): string {
  return `${planBase(c)}/events?api-version=2.0-preview.1`;
}

/** The job's live console feed; ServerTaskHelper passes JobId as the record id (azure.md §5a). */
export function timelineFeedUrl(c: AzureDevOpsContext): string {
  const e = encodeURIComponent;
  return `${planBase(c)}/timelines/${e(c.timelineId)}/records/${e(c.jobId)}/feed?api-version=7.2-preview.1`;
}
