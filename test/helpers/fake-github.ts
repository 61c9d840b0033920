// A fake GitHub REST API: records commit statuses posted to /repos/{owner}/{repo}/statuses/{sha} (azure.md §6).
import { startRecordingServer, type RecordingServer } from "./recording-server";

export interface GithubStatusCall {
  repository: string;
  sha: string;
  authorization: string | undefined;
  body: { state: string; target_url?: string; description?: string; context?: string };
}

export interface FakeGithub extends RecordingServer {
  statuses(): GithubStatusCall[];
}

const STATUS = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]+)$/i;

export async function startFakeGithub(): Promise<FakeGithub> {
  const server = await startRecordingServer((req) =>
    STATUS.test(req.path) && req.headers.authorization
      ? { status: 201, body: { id: 1 } }
      : { status: 404, body: { message: "Not Found" } },
  );
  return {
    ...server,
    statuses: () =>
      server.requests.flatMap((r) => {
        const m = STATUS.exec(r.path);
        return m
          ? [
              {
                repository: `${m[1]}/${m[2]}`,
                sha: m[3]!,
                authorization: r.headers.authorization,
                body: JSON.parse(r.body),
              },
            ]
          : [];
      }),
  };
}
