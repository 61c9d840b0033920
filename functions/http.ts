// Registers every HTTP route of src/http/routes.ts (authLevel "function"); `/api/` doubles as the catch-all that answers 404 problems.
import { app, type HttpMethod } from "@azure/functions";
import * as df from "durable-functions";
import { handleAzureHttp } from "../src/app/azure";
import { ROUTES } from "../src/http/routes";

const ALL_METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

for (const route of ROUTES) {
  const catchAll = route.pattern === "/api/";
  app.http(route.name, {
    methods: catchAll ? ALL_METHODS : (route.methods as HttpMethod[]),
    route: catchAll ? "{*path}" : route.pattern.replace(/^\/api\//, ""),
    authLevel: route.authLevel,
    extraInputs: [df.input.durableClient()],
    handler: handleAzureHttp,
  });
}
