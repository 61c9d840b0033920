// A fake Azure DevOps: records timeline feed lines and TaskCompleted events at the documented paths (azure.md §5a).
import { startRecordingServer, type RecordedRequest, type RecordingServer } from "./recording-server";

export interface FakeAzureDevOps extends RecordingServer {
  /** The headers an agentless task would send for this fake (PlanUrl ends in the collection's slash). */
  taskHeaders(token?: string): Record<string, string>;
  feedLines(): string[];
  completions(): { name: string; taskId: string; jobId: string; result: string }[];
  /** Requests whose path is not an Azure DevOps distributedtask route. */
  stray(): RecordedRequest[];
}

export const ADO_IDS = {
  projectId: "6f9a1c2e-0000-4000-8000-000000000001",
  hubName: "build",
  planId: "6f9a1c2e-0000-4000-8000-000000000002",
  jobId: "6f9a1c2e-0000-4000-8000-000000000003",
  timelineId: "6f9a1c2e-0000-4000-8000-000000000004",
  taskInstanceId: "6f9a1c2e-0000-4000-8000-000000000005",
};

const FEED =
  /^\/org\/([^/]+)\/_apis\/distributedtask\/hubs\/([^/]+)\/plans\/([^/]+)\/timelines\/([^/]+)\/records\/([^/]+)\/feed\?api-version=/;
const EVENTS =
  /^\/org\/([^/]+)\/_apis\/distributedtask\/hubs\/([^/]+)\/plans\/([^/]+)\/events\?api-version=2\.0-preview\.1$/;

export async function startFakeAzureDevOps(): Promise<FakeAzureDevOps> {
  const server = await startRecordingServer((req) =>
    FEED.test(req.path) || EVENTS.test(req.path)
      ? { status: 200, body: {} }
      : { status: 404, body: { message: "no such route" } },
  );
  return {
    ...server,
    taskHeaders: (token = "ado-job-token-secret") => ({
      PlanUrl: `${server.origin}/org/`,
      ProjectId: ADO_IDS.projectId,
      HubName: ADO_IDS.hubName,
      PlanId: ADO_IDS.planId,
      JobId: ADO_IDS.jobId,
      TimelineId: ADO_IDS.timelineId,
      TaskinstanceId: ADO_IDS.taskInstanceId, // the docs sample's spelling: read case-insensitively
      AuthToken: token,
    }),
    feedLines: () =>
      server.requests
        .filter((r) => FEED.test(r.path))
        .flatMap((r) => (JSON.parse(r.body) as { value: string[] }).value),
    completions: () => server.requests.filter((r) => EVENTS.test(r.path)).map((r) => JSON.parse(r.body)),
    stray: () => server.requests.filter((r) => !FEED.test(r.path) && !EVENTS.test(r.path)),
  };
}
