// The Notifier the orchestration calls: finds an analysis's targets (stored request + sealed Azure DevOps context) and tells each.
import type { AnalysisRequest } from "../config/analysis-request.schema";
import { artifactPaths, type ArtifactStore } from "../analysis/ports/store";
import {
  AzureDevOpsNotifier,
  azureDevOpsArtifactPath,
  openAzureDevOpsContext,
  type SealedAzureDevOpsContext,
} from "./azure-devops-notifier";
import type { CanaryJudgeResult } from "../judge/types";
import { ChatNotifier } from "./chat-notifier";
import { chatSummary, type ChatSummary } from "./chat-summary";
import { GithubStatusNotifier } from "./github-status-notifier";
import type { AnalysisEvent, Notifier } from "../analysis/ports/notifier";
import { AZURE_DEVOPS_HOSTS, OutboundGuard } from "./outbound-guard";
import type { FetchLike, RetryPolicy } from "./outbound-post";
import { SecretBox } from "./secret-box";
import { WebhookNotifier } from "./webhook-notifier";
import { errorLine } from "../error-text";

/** What the notifiers need from the app settings (parsed in src/app/settings.ts). */
export interface NotifySettings {
  /** COALMINE_OUTBOUND_ALLOWLIST */
  outboundAllowlist?: string | undefined;
  /** COALMINE_SECRET_KEY: opens the sealed Azure DevOps token (COALMINE_SECRET_KEY_PREVIOUS: sealed before a rotation). */
  secretKey?: string | undefined;
  secretKeyPrevious?: string | undefined;
  /** COALMINE_GITHUB_TOKEN and COALMINE_GITHUB_API */
  githubToken?: string | undefined;
  githubApi?: string | undefined;
  /** COALMINE_PUBLIC_URL: absolute report links in chat messages. */
  publicUrl?: string | undefined;
  /** Settings named by requests (webhook `secretName`s, chat `urlSetting`s). */
  named: Record<string, string | undefined>;
}

export interface CompositeNotifierDeps {
  artifacts: ArtifactStore;
  settings: NotifySettings;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  /** Overrides the DNS resolution of the guard (tests). */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Some targets could not be told; `failures` names them (never secrets). */
export class NotificationError extends Error {
  override readonly name = "NotificationError";
  constructor(
    message: string,
    readonly failures: { target: string; error: unknown }[],
  ) {
    super(message, { cause: failures[0]?.error });
  }
}

/** The request as stored by the orchestration (bare, or wrapped in `{ request }`). */
function requestOf(stored: unknown): AnalysisRequest | undefined {
  if (!stored || typeof stored !== "object") return undefined;
  if ("stages" in stored) return stored as AnalysisRequest;
  const inner = (stored as { request?: unknown }).request;
  return inner && typeof inner === "object" && "stages" in inner ? (inner as AnalysisRequest) : undefined;
}

export function createCompositeNotifier(deps: CompositeNotifierDeps): Notifier {
  const guard = new OutboundGuard({
    ...(deps.settings.outboundAllowlist !== undefined ? { allowlist: deps.settings.outboundAllowlist } : {}),
    ...(deps.resolve ? { resolve: deps.resolve } : {}),
  });
  const outbound = {
    guard,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
  const webhooks = new WebhookNotifier({ ...outbound, env: deps.settings.named });
  const github = new GithubStatusNotifier({
    ...outbound,
    token: deps.settings.githubToken,
    ...(deps.settings.githubApi ? { apiBase: deps.settings.githubApi } : {}),
  });
  const chat = new ChatNotifier({ ...outbound, env: deps.settings.named });
  const azureDevOps = new AzureDevOpsNotifier({ ...outbound, guard: guard.withHosts(AZURE_DEVOPS_HOSTS) });

  /** The chat summary, with the latest judgement's stored result for the failed metrics' reasons. */
  async function summaryOf(analysisId: string, event: AnalysisEvent): Promise<ChatSummary> {
    const last = event.status.judgements.at(-1);
    const judgement =
      last && event.event !== "started"
        ? await deps.artifacts.getJson<CanaryJudgeResult>(
            artifactPaths.judgement(analysisId, last.stage, last.interval),
          )
        : undefined;
    return chatSummary(analysisId, event, { publicBaseUrl: deps.settings.publicUrl, judgement });
  }

  return {
    async notify(analysisId: string, event: AnalysisEvent): Promise<void> {
      const request = requestOf(await deps.artifacts.getJson(artifactPaths.request(analysisId)));
      const sealed = await deps.artifacts.getJson<SealedAzureDevOpsContext>(
        azureDevOpsArtifactPath(analysisId),
      );
      const jobs: { target: string; run: () => Promise<void> }[] = [];
      for (const hook of request?.notify?.webhooks ?? []) {
        jobs.push({
          target: `webhook ${new URL(hook.url).origin}`,
          run: () => webhooks.deliver(hook, analysisId, event),
        });
      }
      const chats = [
        ...(request?.notify?.slack ?? []).map((target) => ({ kind: "slack" as const, target })),
        ...(request?.notify?.teams ?? []).map((target) => ({ kind: "teams" as const, target })),
      ].filter((c) => ChatNotifier.wants(c.target, event.event));
      if (chats.length) {
        const summary = await summaryOf(analysisId, event);
        for (const c of chats) {
          jobs.push({
            target: `${c.kind} ${c.target.urlSetting}`,
            run: () => chat.deliver(c.kind, c.target, summary),
          });
        }
      }
      const gh = request?.notify?.github;
      if (gh) jobs.push({ target: `github ${gh.repository}`, run: () => github.deliver(gh, event) });
      if (sealed) {
        jobs.push({
          target: "azure-devops",
          run: async () => {
            const box = SecretBox.fromSetting(deps.settings.secretKey, deps.settings.secretKeyPrevious);
            await azureDevOps.deliver(
              openAzureDevOpsContext(box, analysisId, sealed),
              analysisId,
              event,
              request?.onMarginal?.action,
            );
          },
        });
      }
      const settled = await Promise.allSettled(jobs.map((j) => j.run()));
      const failures = settled.flatMap((r, i) =>
        r.status === "rejected" ? [{ target: jobs[i]!.target, error: r.reason as unknown }] : [],
      );
      if (failures.length) {
        const text = failures.map((f) => `${f.target}: ${errorLine(f.error)}`).join("; ");
        throw new NotificationError(
          `${event.event} notification failed for ${failures.length} target(s): ${text}`,
          failures,
        );
      }
    },
  };
}
