// @azure/functions HttpRequest → ApiRequest and ApiResponse → HttpResponseInit, so the same router runs in Azure.
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { ApiRequest, ApiResponse } from "./api-types";
import { DEFAULT_BODY_LIMIT } from "./json-body";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem";

/** The request, or a 413 response when the body is over the limit (checked on the declared length first). */
export async function toApiRequest(
  request: HttpRequest,
  bodyLimit = DEFAULT_BODY_LIMIT,
  /** The base of absolute links (trustedBaseUrl); never taken from the request. */
  baseUrl = "",
): Promise<Omit<ApiRequest, "params"> | { tooLarge: HttpResponseInit }> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const tooLarge = {
    tooLarge: toHttpResponse({
      status: 413,
      headers: { "content-type": PROBLEM_CONTENT_TYPE },
      body: problem(413, `The request body is larger than ${bodyLimit} bytes`, { instance: url.pathname }),
    }),
  };
  if (Number(headers["content-length"]) > bodyLimit) return tooLarge;
  const rawBody = request.body ? await request.text() : "";
  if (Buffer.byteLength(rawBody, "utf8") > bodyLimit) return tooLarge;
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    rawBody,
    baseUrl,
  };
}

export function toHttpResponse(response: ApiResponse): HttpResponseInit {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  if (response.body === undefined) return { status: response.status, headers };
  if (typeof response.body === "string") return { status: response.status, headers, body: response.body };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json; charset=utf-8";
  }
  return { status: response.status, headers, body: JSON.stringify(response.body) };
}
