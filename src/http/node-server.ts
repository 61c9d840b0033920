// The route table over node:http (`coalmine serve`): reads bodies up to the limit, answers problems, never crashes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiResponse } from "./api-types";
import { DEFAULT_BODY_LIMIT } from "./json-body";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem";
import type { Router } from "./router";
import { functionKeyMatches } from "./function-key";
import { isValidHostHeader } from "./host-header";

export interface NodeServerOptions<Deps> {
  router: Router<Deps>;
  deps: Deps;
  bodyLimit?: number;
  /** When set, requests must carry it as `x-functions-key` or `?code=` (like the Functions host). */
  functionKey?: string;
  /** The base of absolute links (trustedBaseUrl: COALMINE_PUBLIC_URL); "" = relative links. Never the Host header. */
  baseUrl?: string;
  logError?: (message: string, error: unknown) => void;
}

class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

/** Reads the body; past the limit the rest is drained (so the client can read the 413) but not kept. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > limit) reject(new BodyTooLargeError(`body of ${size} bytes`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: ApiResponse, closeAfter = false): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let body: string | undefined;
  if (typeof response.body === "string") body = response.body;
  else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "application/json; charset=utf-8";
  }
  if (closeAfter) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(body);
}

export function createApiServer<Deps>(options: NodeServerOptions<Deps>): Server {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return createServer((req, res) => {
    void (async () => {
      const badRequest = (detail: string): void => {
        send(
          res,
          { status: 400, headers: { "content-type": PROBLEM_CONTENT_TYPE }, body: problem(400, detail) },
          true,
        );
        req.resume();
      };
      const host = req.headers.host;
      if (host !== undefined && !isValidHostHeader(host))
        return badRequest("The Host header is not a host name");
      let url: URL;
      try {
        // The request target alone (never the Host header) makes the URL.
        const target = req.url ?? "/";
        url = target.startsWith("/") ? new URL(`http://localhost${target}`) : new URL(target);
      } catch {
        return badRequest("The request target is not a path");
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      if (options.functionKey !== undefined) {
        if (
          !functionKeyMatches(
            options.functionKey,
            req.headers["x-functions-key"],
            url.searchParams.getAll("code"),
          )
        ) {
          send(res, {
            status: 401,
            headers: { "content-type": PROBLEM_CONTENT_TYPE },
            body: problem(401, "A function key is required (x-functions-key header or ?code=)"),
          });
          req.resume();
          return;
        }
      }
      const tooLarge = () =>
        send(
          res,
          {
            status: 413,
            headers: { "content-type": PROBLEM_CONTENT_TYPE },
            body: problem(413, `The request body is larger than ${limit} bytes`, { instance: url.pathname }),
          },
          true,
        );
      if (Number(headers["content-length"]) > limit) {
        tooLarge();
        req.resume();
        return;
      }
      let rawBody: string;
      try {
        rawBody = await readBody(req, limit);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          tooLarge();
          return;
        }
        throw err;
      }
      const response = await options.router.handle(
        {
          method: req.method ?? "GET",
          // The root of `coalmine serve` shows the index page, as `GET /api/` does.
          path: url.pathname === "/" ? "/api/" : url.pathname,
          query: url.searchParams,
          headers,
          rawBody,
          baseUrl: options.baseUrl ?? "",
        },
        options.deps,
      );
      send(res, response);
    })().catch((err: unknown) => {
      options.logError?.(`${req.method} ${req.url} failed`, err);
      if (!res.headersSent)
        send(res, {
          status: 500,
          headers: { "content-type": PROBLEM_CONTENT_TYPE },
          body: problem(500, "An unexpected error occurred; it has been logged"),
        });
      else res.destroy();
    });
  });
}

/** Listens and resolves with the base URL (port 0 = any free port). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}
