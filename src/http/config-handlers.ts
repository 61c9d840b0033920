// Stored canary config CRUD: PUT/GET/DELETE /api/canary-configs/{application}/{name}, GET /api/canary-configs.
import { validateCanaryConfig } from "../config/validate";
import { isValidStoreKey } from "../store/keys";
import type { ConfigStore, StoredConfig } from "../analysis/ports/store";
import type { ApiHandler, ApiRequest } from "./api-types";
import type { ConfigRouteName } from "./http-deps";
import { invalidBody, ProblemError, problem } from "./problem";
import { parseJsonBody } from "./json-body";

export interface ConfigHandlerDeps {
  configs: ConfigStore;
}

function keyParam(request: ApiRequest, param: "application" | "name"): string {
  const value = request.params[param] ?? "";
  if (!isValidStoreKey(value))
    throw new ProblemError(
      problem(
        400,
        `${param} ${JSON.stringify(value)} is invalid: use 1-128 letters, digits, '.', '_' or '-', not starting with '.' or '-'`,
      ),
    );
  return value;
}

/** The If-Match header: undefined when absent, `*` or one entity tag (weak or strong, as the store issued it). */
function ifMatchHeader(request: ApiRequest): string | undefined {
  const value = request.headers["if-match"]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

const metadata = (stored: Omit<StoredConfig, "config">) => ({
  application: stored.application,
  name: stored.name,
  version: stored.version,
  etag: stored.etag,
  updatedAt: stored.updatedAt,
});

const selfPath = (application: string, name: string): string =>
  `/api/canary-configs/${encodeURIComponent(application)}/${encodeURIComponent(name)}`;

/**
 * PUT: validate (leniently, as Kayenta reads configs), then create (201 + Location) or update (200); a
 * stale If-Match is 409. The answer lists the `warnings` (keys Kayenta ignores) next to the metadata.
 */
export const putConfig: ApiHandler<ConfigHandlerDeps> = async (request, deps) => {
  const application = keyParam(request, "application");
  const name = keyParam(request, "name");
  const validated = validateCanaryConfig(parseJsonBody(request));
  if (!validated.ok) throw invalidBody(validated.problems, "canary config");
  const ifMatch = ifMatchHeader(request);
  // If-None-Match: * is create-only, decided atomically by the store (412 for every writer but the first).
  const createOnly = request.headers["if-none-match"]?.trim() === "*";
  const stored = await deps.configs.put(
    application,
    name,
    validated.value,
    ifMatch,
    createOnly ? { createOnly } : undefined,
  );
  const created = stored.version === 1;
  return {
    status: created ? 201 : 200,
    headers: {
      etag: stored.etag,
      ...(created ? { location: `${request.baseUrl}${selfPath(application, name)}` } : {}),
    },
    body: { ...metadata(stored), warnings: validated.warnings ?? [] },
  };
};

/** GET one: the config document itself, its ETag and version in headers. */
export const getConfig: ApiHandler<ConfigHandlerDeps> = async (request, deps) => {
  const application = keyParam(request, "application");
  const name = keyParam(request, "name");
  const stored = await deps.configs.get(application, name);
  if (!stored) throw new ProblemError(problem(404, `No canary config ${application}/${name}`));
  const ifNoneMatch = request.headers["if-none-match"]?.trim();
  if (ifNoneMatch !== undefined && ifNoneMatch === stored.etag)
    return { status: 304, headers: { etag: stored.etag } };
  return {
    status: 200,
    headers: {
      etag: stored.etag,
      "x-coalmine-config-version": String(stored.version),
      "last-modified": new Date(stored.updatedAt).toUTCString(),
    },
    body: stored.config,
  };
};

/** DELETE: 204; unknown is 404; a stale If-Match is 409. */
export const deleteConfig: ApiHandler<ConfigHandlerDeps> = async (request, deps) => {
  const application = keyParam(request, "application");
  const name = keyParam(request, "name");
  const deleted = await deps.configs.delete(application, name, ifMatchHeader(request));
  if (!deleted) throw new ProblemError(problem(404, `No canary config ${application}/${name}`));
  return { status: 204 };
};

/** GET list: `{ items: [{ application, name, version, etag, updatedAt, url }] }`, optionally for one application. */
export const listConfigs: ApiHandler<ConfigHandlerDeps> = async (request, deps) => {
  const application = request.query.get("application") ?? undefined;
  if (application !== undefined && !isValidStoreKey(application))
    throw new ProblemError(problem(400, `application ${JSON.stringify(application)} is invalid`));
  const items = await deps.configs.list(application);
  return {
    status: 200,
    body: { items: items.map((c) => ({ ...metadata(c), url: selfPath(c.application, c.name) })) },
  };
};

/** The handlers by route name, for `HttpDeps.configHandlers`. */
export const configHandlers: Record<ConfigRouteName, ApiHandler<ConfigHandlerDeps>> = {
  putConfig,
  getConfig,
  deleteConfig,
  listConfigs,
};
