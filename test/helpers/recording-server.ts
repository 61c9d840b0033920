// A node:http server on 127.0.0.1:0 that records every request and answers from a scripted status list.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  origin: string;
  requests: RecordedRequest[];
  /** Statuses for the next requests in order (then 200 / the default). */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startRecordingServer(
  respond: (req: RecordedRequest) => { status: number; body?: unknown } = () => ({ status: 200, body: {} }),
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const scripted: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const forced = scripted.shift();
      const out =
        forced !== undefined ? { status: forced, body: { message: "scripted failure" } } : respond(recorded);
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(out.body === undefined ? "" : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...statuses) => scripted.push(...statuses),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
