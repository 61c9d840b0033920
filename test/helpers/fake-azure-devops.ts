// A fake Azure DevOps distributedtask API at the documented paths: plans, timeline feeds, task logs, timeline
// records and plan events, with the errors the service answers (401 without the token, 404 where a plan has no
// timeline, 500 OrchestrationSessionNotFound for a TaskCompleted whose identifiers name no task of the plan).
import { startRecordingServer, type RecordedRequest, type RecordingServer } from "./recording-server";

export interface PlanSetup {
  /** The plan's version (TaskOrchestrationPlan.version); gates on versions <= 12 use other identifiers. */
  version: number;
  /** Whether the plan has the job timeline (records keyed by JobId / TaskInstanceId). Gates: false. */
  timeline: boolean;
}

export interface FakeAzureDevOps extends RecordingServer {
  /** The headers an agentless task would send for this fake (PlanUrl ends in the collection's slash). */
  taskHeaders(token?: string, hubName?: string): Record<string, string>;
  /** How a hub's plans behave (default: version 14 with a timeline; `Gates`: version 12, no timeline). */
  setPlan(hubName: string, setup: Partial<PlanSetup>): void;
  feedLines(): string[];
  /** TaskCompleted events the fake accepted (identifiers matching a task of the plan). */
  completions(): { name: string; taskId: string; jobId: string; result: string }[];
  /** Statuses for the next TaskCompleted posts (then the normal answer). */
  failNextEvents(...statuses: number[]): void;
  /** TaskCompleted events it refused (wrong identifiers). */
  refusedCompletions(): unknown[];
  /** Task log contents by log id, and the records the logs were attached to. */
  logs(): { id: number; path: string; content: string; attachedTo?: string }[];
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
const EMPTY = "00000000-0000-0000-0000-000000000000";

const PLAN = "^/org/([^/]+)/_apis/distributedtask/hubs/([^/]+)/plans/([^/?]+)";
const ROUTES = {
  plan: new RegExp(`${PLAN}\\?api-version=[\\d.]+(-preview(\\.\\d+)?)?$`),
  feed: new RegExp(`${PLAN}/timelines/([^/]+)/records/([^/]+)/feed\\?api-version=`),
  events: new RegExp(`${PLAN}/events\\?api-version=2\\.0-preview\\.1$`),
  createLog: new RegExp(`${PLAN}/logs\\?api-version=`),
  appendLog: new RegExp(`${PLAN}/logs/(\\d+)\\?api-version=`),
  records: new RegExp(`${PLAN}/timelines/([^/]+)/records\\?api-version=`),
};
const known = (path: string) => Object.values(ROUTES).some((r) => r.test(path));

const vssError = (typeKey: string, message: string) => ({
  $id: "1",
  innerException: null,
  message,
  typeName: `Microsoft.TeamFoundation.DistributedTask.WebApi.${typeKey}`,
  typeKey,
  errorCode: 0,
  eventId: 3000,
});

export async function startFakeAzureDevOps(): Promise<FakeAzureDevOps> {
  const plans = new Map<string, PlanSetup>([
    ["build", { version: 14, timeline: true }],
    ["release", { version: 14, timeline: true }],
    ["checks", { version: 14, timeline: true }],
    ["gates", { version: 12, timeline: false }],
  ]);
  const planOf = (hub: string): PlanSetup => plans.get(hub.toLowerCase()) ?? { version: 14, timeline: true };
  const accepted: { name: string; taskId: string; jobId: string; result: string }[] = [];
  const refused: unknown[] = [];
  const logs: { id: number; path: string; content: string; attachedTo?: string }[] = [];
  let token = "";
  const eventFailures: number[] = [];

  const server = await startRecordingServer((req) => {
    const auth = String(req.headers.authorization ?? "");
    const basic = `Basic ${Buffer.from(`:${token}`).toString("base64")}`;
    if (known(req.path) && auth !== `Bearer ${token}` && auth !== basic) {
      return { status: 401, body: vssError("UnauthorizedRequestException", "TF400813: not authorized") };
    }
    let m: RegExpExecArray | null;
    if (req.method === "GET" && (m = ROUTES.plan.exec(req.path))) {
      const [, , hub, planId] = m;
      return {
        status: 200,
        body: { planId, planType: hub, version: planOf(hub!).version, scopeIdentifier: ADO_IDS.projectId },
      };
    }
    if (req.method === "POST" && (m = ROUTES.feed.exec(req.path))) {
      const [, , hub, , , record] = m;
      if (!planOf(hub!).timeline || record !== ADO_IDS.jobId) {
        return {
          status: 404,
          body: vssError("TimelineRecordNotFoundException", `record ${record} not found`),
        };
      }
      return { status: 204 };
    }
    if (req.method === "POST" && (m = ROUTES.createLog.exec(req.path))) {
      const body = JSON.parse(req.body) as { path: string };
      const id = logs.length + 1;
      logs.push({ id, path: body.path, content: "" });
      return {
        status: 200,
        body: { id, path: body.path, lineCount: 0, createdOn: new Date().toISOString() },
      };
    }
    if (req.method === "POST" && (m = ROUTES.appendLog.exec(req.path))) {
      const log = logs.find((l) => l.id === Number(m![4]));
      if (!log) return { status: 404, body: vssError("TaskLogNotFoundException", "no such log") };
      if (!String(req.headers["content-type"]).startsWith("application/octet-stream"))
        return { status: 415, body: vssError("UnsupportedMediaType", "octet-stream expected") };
      log.content += req.body;
      return { status: 200, body: { id: log.id, path: log.path } };
    }
    if (req.method === "PATCH" && (m = ROUTES.records.exec(req.path))) {
      const [, , hub] = m;
      if (!planOf(hub!).timeline)
        return { status: 404, body: vssError("TimelineNotFoundException", "no timeline for the plan") };
      const body = JSON.parse(req.body) as { value: { id: string; log?: { id: number } }[] };
      for (const r of body.value) {
        const log = logs.find((l) => l.id === r.log?.id);
        if (log) log.attachedTo = r.id;
      }
      return { status: 200, body: { count: body.value.length, value: body.value } };
    }
    if (req.method === "POST" && (m = ROUTES.events.exec(req.path))) {
      const [, , hub] = m;
      const forced = eventFailures.shift();
      if (forced !== undefined) return { status: forced, body: vssError("ServiceUnavailable", "scripted") };
      const e = JSON.parse(req.body) as { name: string; taskId: string; jobId: string; result: string };
      const gateOld = hub!.toLowerCase() === "gates" && planOf(hub!).version <= 12;
      const expected = gateOld
        ? { jobId: ADO_IDS.taskInstanceId, taskId: EMPTY }
        : { jobId: ADO_IDS.jobId, taskId: ADO_IDS.taskInstanceId };
      if (e.jobId !== expected.jobId || e.taskId !== expected.taskId) {
        refused.push(e);
        return {
          status: 500,
          body: vssError(
            "OrchestrationSessionNotFoundException",
            `The orchestration session ${ADO_IDS.planId}_${e.jobId}_${e.taskId} not found for hub ${hub}.`,
          ),
        };
      }
      accepted.push(e);
      return { status: 200, body: {} };
    }
    return { status: 404, body: { message: "no such route" } };
  });
  return {
    ...server,
    taskHeaders: (t = "ado-job-token-secret", hubName = ADO_IDS.hubName) => {
      token = t;
      return {
        PlanUrl: `${server.origin}/org/`,
        ProjectId: ADO_IDS.projectId,
        HubName: hubName,
        PlanId: ADO_IDS.planId,
        JobId: ADO_IDS.jobId,
        TimelineId: ADO_IDS.timelineId,
        TaskinstanceId: ADO_IDS.taskInstanceId, // the docs sample's spelling: read case-insensitively
        AuthToken: t,
      };
    },
    setPlan: (hubName, setup) => plans.set(hubName.toLowerCase(), { ...planOf(hubName), ...setup }),
    feedLines: () =>
      server.requests
        .filter((r) => ROUTES.feed.test(r.path) && r.method === "POST")
        .flatMap((r) => (JSON.parse(r.body) as { value: string[] }).value),
    failNextEvents: (...statuses) => eventFailures.push(...statuses),
    completions: () => accepted,
    refusedCompletions: () => refused,
    logs: () => logs,
    stray: () => server.requests.filter((r) => !known(r.path)),
  };
}
