// Registers every HTTP route of src/http/route-list.ts (authLevel "function"); `/api/` doubles as the catch-all that answers 404 problems.
import { app, type HttpMethod } from "@azure/functions";
import * as df from "durable-functions";
import type { HttpHandler } from "@azure/functions";
import { ROUTE_LIST } from "../src/http/route-list";

/** The composition root (stores, SDKs, settings) loads on the first request, not with the app. */
const handler: HttpHandler = async (request, context) =>
  (await import("../src/app/azure")).handleAzureHttp(request, context);

const ALL_METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

for (const route of ROUTE_LIST) {
  const catchAll = route.pattern === "/api/";
  app.http(route.name, {
    methods: catchAll ? ALL_METHODS : (route.methods as HttpMethod[]),
    route: catchAll ? "{*path}" : route.pattern.replace(/^\/api\//, ""),
    authLevel: route.authLevel,
    extraInputs: [df.input.durableClient()],
    handler,
  });
}
