// GitHub commit statuses (azure.md §6): pending at start, success / failure / error at the end, linking the report.
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { AnalysisEvent } from "../analysis/ports/notifier";
import { postWithRetry, type OutboundDeps } from "./outbound-post";

export interface GithubTarget {
  repository: string;
  sha: string;
  context?: string | undefined;
}

export interface GithubStatusDeps extends OutboundDeps {
  /** The token (from the setting COALMINE_GITHUB_TOKEN). */
  token: string | undefined;
  /** https://api.github.com unless set (tests, GitHub Enterprise). */
  apiBase?: string;
}

export type GithubState = "pending" | "success" | "failure" | "error";

export const DEFAULT_GITHUB_CONTEXT = "coalmine/canary";

/** The commit state for an event, or undefined when the event does not change it. */
export function githubState(event: AnalysisEvent["event"], status: AnalysisStatus): GithubState | undefined {
  if (event === "started" || event === "awaiting-decision") return "pending";
  if (event !== "completed") return undefined;
  switch (status.state) {
    case "passed":
      return "success";
    case "failed":
    case "marginal":
      return "failure";
    default:
      return "error";
  }
}

function description(event: AnalysisEvent["event"], s: AnalysisStatus): string {
  const score = s.score !== undefined ? ` (score ${s.score})` : "";
  const text =
    event === "started"
      ? "Canary analysis running"
      : event === "awaiting-decision"
        ? `Canary marginal${score}: awaiting a decision`
        : `Canary ${s.state}${score}${s.reason ? `: ${s.reason}` : ""}`;
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export class GithubStatusNotifier {
  constructor(private readonly deps: GithubStatusDeps) {}

  async deliver(target: GithubTarget, event: AnalysisEvent): Promise<void> {
    const state = githubState(event.event, event.status);
    if (!state) return;
    if (!this.deps.token)
      throw new GithubTokenMissingError("COALMINE_GITHUB_TOKEN is not set; cannot post commit statuses");
    const [owner, repo] = target.repository.split("/") as [string, string];
    const base = (this.deps.apiBase ?? "https://api.github.com").replace(/\/$/, "");
    const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${encodeURIComponent(target.sha)}`;
    const body = JSON.stringify({
      state,
      description: description(event.event, event.status),
      context: target.context ?? DEFAULT_GITHUB_CONTEXT,
      ...(/^https?:\/\//.test(event.reportUrl) ? { target_url: event.reportUrl } : {}),
    });
    const headers = {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      authorization: `Bearer ${this.deps.token}`,
      "content-type": "application/json",
      "user-agent": "coalmine",
    };
    await postWithRetry(
      this.deps,
      url,
      headers,
      body,
      `GitHub status ${target.repository}@${target.sha.slice(0, 7)}`,
    );
  }
}

export class GithubTokenMissingError extends Error {
  override readonly name = "GithubTokenMissingError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
