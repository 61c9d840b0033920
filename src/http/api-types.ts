// Framework-free HTTP handler types: the same handlers run under Azure Functions (app.http) and `coalmine serve`.

export interface ApiRequest {
  method: string;
  /** Path after the `/api` prefix is NOT stripped: e.g. `/api/analyses/01J…`. */
  path: string;
  /** Route parameters, e.g. `{ id }`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The raw body text ("" when none); handlers parse it (so they can report malformed JSON as 400). */
  rawBody: string;
  /** Base URL the client used (scheme://host), for absolute links. */
  baseUrl: string;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string (then sent as is, with the content type from headers). */
  body?: unknown;
}

export type ApiHandler<Deps> = (request: ApiRequest, deps: Deps) => Promise<ApiResponse>;

/** One problem in a request body: its JSON path (e.g. `$.stages[0].interval`) and what is wrong. */
export type { ValidationProblem } from "../config/problems";
