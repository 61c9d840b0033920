// Matches a request against the route table and runs its handler; every failure becomes a problem+json response.
import type { ApiHandler, ApiRequest, ApiResponse } from "./api-types";
import { DEFAULT_BODY_LIMIT } from "./json-body";
import { problem, problemResponse, toProblem, type ProblemDetails } from "./problem";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface Route<Deps> {
  /** Function name in Azure (unique, letters and digits). */
  name: string;
  methods: readonly string[];
  /** Path under the host, with `{param}` segments, e.g. `/api/analyses/{id}`. */
  pattern: string;
  authLevel: AuthLevel;
  handler: ApiHandler<Deps>;
  /** OpenAPI summary. */
  summary: string;
  /** Kayenta's API (docs/http-api.md): error answers also carry Kayenta's `message`. */
  kayenta?: boolean;
}

export interface RouteMatch<Deps> {
  route: Route<Deps>;
  params: Record<string, string>;
}

/** `{param}` → one path segment; a trailing slash is allowed. */
function compile(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      return m ? `(?<${m[1]}>[^/]+)` : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${source.replace(/\/$/, "")}/?$`);
}

export class Router<Deps> {
  private readonly compiled: { route: Route<Deps>; re: RegExp }[];
  constructor(
    readonly routes: readonly Route<Deps>[],
    private readonly options: {
      bodyLimit?: number;
      logError?: (message: string, error: unknown) => void;
    } = {},
  ) {
    this.compiled = routes.map((route) => ({ route, re: compile(route.pattern) }));
  }

  /** The route for a path and method; `methods` lists what the path allows when only the method is wrong. */
  match(method: string, path: string): RouteMatch<Deps> | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const { route, re } of this.compiled) {
      const m = re.exec(path);
      if (!m) continue;
      if (!route.methods.includes(method.toUpperCase())) {
        allowed.push(...route.methods);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        if (v === undefined) continue;
        try {
          params[k] = decodeURIComponent(v);
        } catch {
          params[k] = v;
        }
      }
      return { route, params };
    }
    return allowed.length ? { allowed } : undefined;
  }

  /** Runs the matching handler; 404/405/413/500 as problems, never a stack trace. */
  async handle(request: Omit<ApiRequest, "params">, deps: Deps): Promise<ApiResponse> {
    const instance = request.path;
    const limit = this.options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (Buffer.byteLength(request.rawBody, "utf8") > limit) {
      return problemResponse(problem(413, `The request body is larger than ${limit} bytes`, { instance }));
    }
    const found = this.match(request.method, request.path);
    if (!found) return problemResponse(problem(404, `No route for ${request.path}`, { instance }));
    if ("allowed" in found) {
      const allow = [...new Set(found.allowed)].join(", ");
      return problemResponse(
        problem(405, `${request.method} is not allowed here; use ${allow}`, { instance }),
        {
          allow,
        },
      );
    }
    // `code` is the function key (Azure's and `coalmine serve`'s): checked before routing, never a handler's parameter.
    const query = new URLSearchParams(request.query);
    query.delete("code");
    const answer = await runHandler(
      found.route.handler,
      { ...request, query, params: found.params },
      deps,
      this.options.logError,
    );
    return found.route.kayenta ? withKayentaMessage(answer) : answer;
  }
}

/** Runs one handler; any error becomes its problem (toProblem), or a logged 500 — never a stack trace. */
export async function runHandler<Deps>(
  handler: ApiHandler<Deps>,
  request: ApiRequest,
  deps: Deps,
  logError?: (message: string, error: unknown) => void,
): Promise<ApiResponse> {
  const instance = request.path;
  try {
    return await handler(request, deps);
  } catch (err) {
    const known = toProblem(err);
    if (known) return problemResponse({ instance, ...known.problem }, known.headers);
    logError?.(`${request.method} ${request.path} failed`, err);
    return problemResponse(problem(500, "An unexpected error occurred; it has been logged", { instance }));
  }
}

/**
 * Kayenta's ControllerExceptionHandler answers `{ "message": … }`; Spinnaker's clients read that member.
 * A problem answer of a Kayenta route keeps every problem member and adds `message` (the detail, with
 * the first problem's path when there is one).
 */
function withKayentaMessage(answer: ApiResponse): ApiResponse {
  const body = answer.body as ProblemDetails | undefined;
  if (answer.status < 400 || typeof body !== "object" || body === null || typeof body.title !== "string")
    return answer;
  const first = body.errors?.[0];
  const detail = body.detail ?? body.title;
  const message =
    first && body.errors?.length === 1 && !detail.includes(first.path)
      ? `${detail}: ${first.path}: ${first.message}`
      : detail;
  return { ...answer, body: { ...body, message } };
}
