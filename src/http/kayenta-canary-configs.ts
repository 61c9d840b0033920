// Kayenta's /canaryConfig API over the stored configs: global ids as Kayenta has them, found by id alone (docs/http-api.md).
import type { StoredConfig } from "../analysis/ports/store";
import type { CanaryConfig } from "../config/canary-config.schema";
import { validateCanaryConfig } from "../config/validate";
import { isValidStoreKey } from "../store/keys";
import type { ApiRequest, ApiResponse } from "./api-types";
import type { HttpDeps } from "./http-deps";
import { parseJsonBody } from "./json-body";
import { badRequest, invalidBody, notFound } from "./problem";

/**
 * A stored config's Kayenta id: the `id` in the document (Kayenta's UUID, kept when a config is moved
 * over, or the one POST /canaryConfig gave it), else `{application}~{name}` (`~` is in no store key).
 */
export function kayentaConfigId(stored: Pick<StoredConfig, "application" | "name" | "config">): string {
  return stored.config.id ?? `${stored.application}~${stored.name}`;
}

/** Where the id index keeps `{ application, name }` for an id (ids are checked to be blob-safe first). */
const indexPath = (id: string): string => `kayenta/canary-config-ids/${id}.json`;
const ID = /^[A-Za-z0-9_][A-Za-z0-9._~-]{0,127}$/;

interface IndexEntry {
  application: string;
  name: string;
}

/**
 * The stored config with this Kayenta id: through the id index first, then the `{application}~{name}`
 * form, then (a config stored with its own `id` through the native route) a scan of every config.
 */
export async function findConfigById(deps: HttpDeps, id: string): Promise<StoredConfig | undefined> {
  if (!ID.test(id)) return undefined;
  const entry = await deps.artifacts.getJson<IndexEntry>(indexPath(id));
  if (entry) {
    const stored = await deps.configs.get(entry.application, entry.name);
    if (stored && kayentaConfigId(stored) === id) return stored;
  }
  const tilde = id.indexOf("~");
  if (tilde > 0) {
    const [application, name] = [id.slice(0, tilde), id.slice(tilde + 1)];
    if (isValidStoreKey(application) && isValidStoreKey(name)) {
      const stored = await deps.configs.get(application, name);
      if (stored && kayentaConfigId(stored) === id) return stored;
    }
  }
  for (const meta of await deps.configs.list()) {
    const stored = await deps.configs.get(meta.application, meta.name);
    if (stored?.config.id === id) {
      await deps.artifacts.putJson(indexPath(id), { application: stored.application, name: stored.name });
      return stored;
    }
  }
  return undefined;
}

/** Kayenta's config checks on store and update (CanaryConfigController), with Kayenta's messages. */
function checkedConfig(json: unknown): { config: CanaryConfig; warnings: string[]; application: string } {
  const validated = validateCanaryConfig(json);
  if (!validated.ok) throw invalidBody(validated.problems, "canary config");
  const config = validated.value;
  if (!config.name) throw badRequest("Canary config must specify a name.");
  const application = config.applications?.[0];
  if (application === undefined)
    throw badRequest("Canary config must specify at least one application.", [
      { path: "$.applications", message: "must name at least one application" },
    ]);
  if (!isValidStoreKey(application))
    throw badRequest(`Application '${application}' cannot be used as a store key`, [
      { path: "$.applications[0]", message: "use letters, digits, '.', '_' or '-'" },
    ]);
  const warnings = (validated.warnings ?? []).map((w) => `${w.path}: ${w.message}`);
  return { config, warnings, application };
}

const stamp = (ms: number) => ({ ms, iso: new Date(ms).toISOString() });

async function store(
  deps: HttpDeps,
  id: string,
  application: string,
  config: CanaryConfig,
  previous?: StoredConfig,
): Promise<void> {
  if (previous && (previous.application !== application || previous.name !== config.name))
    await deps.configs.delete(previous.application, previous.name);
  await deps.configs.put(application, config.name, { ...config, id });
  await deps.artifacts.putJson(indexPath(id), { application, name: config.name });
}

/** `GET /canaryConfig[?application=a&application=b]`: Kayenta's summaries `{ id, name, updatedTimestamp, updatedTimestampIso, applications }`. */
export async function listKayentaConfigs(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const wanted = request.query
    .getAll("application")
    .flatMap((a) => a.split(","))
    .filter((a) => a !== "");
  const all = await Promise.all(
    (await deps.configs.list()).map((meta) => deps.configs.get(meta.application, meta.name)),
  );
  const items = all
    .filter((s): s is StoredConfig => s !== undefined)
    .map((s) => {
      const applications = s.config.applications?.length ? s.config.applications : [s.application];
      const updated = Date.parse(s.updatedAt);
      return {
        id: kayentaConfigId(s),
        name: s.config.name,
        updatedTimestamp: updated,
        updatedTimestampIso: new Date(updated).toISOString(),
        applications,
      };
    })
    .filter((c) => wanted.length === 0 || c.applications.some((a) => wanted.includes(a)));
  return { status: 200, body: items };
}

/** `GET /canaryConfig/{id}`: the config with its id. */
export async function getKayentaConfig(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = request.params.id ?? "";
  const stored = await findConfigById(deps, id);
  if (!stored) throw notFound(`No canary config with id '${id}'`);
  return { status: 200, body: { ...stored.config, id: kayentaConfigId(stored) } };
}

/** `POST /canaryConfig`: stores a new config (its `id`, else a new one) → `{ canaryConfigId }`. */
export async function createKayentaConfig(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const { config, warnings, application } = checkedConfig(parseJsonBody(request));
  const id = config.id !== undefined && config.id !== "" ? config.id : deps.newId();
  if (!ID.test(id))
    throw badRequest(`Canary config id '${id}' may hold only letters, digits, '.', '_', '~' and '-'`);
  if (await findConfigById(deps, id)) throw badRequest(`Canary config '${id}' already exists.`);
  const sameName = await deps.configs.get(application, config.name);
  if (sameName)
    throw badRequest(
      `Canary config with name '${config.name}' already exists in application '${application}' (id '${kayentaConfigId(sameName)}').`,
    );
  const created = stamp(config.createdTimestamp ?? Date.now());
  const updated = stamp(config.updatedTimestamp ?? created.ms);
  await store(deps, id, application, {
    ...config,
    createdTimestamp: created.ms,
    createdTimestampIso: created.iso,
    updatedTimestamp: updated.ms,
    updatedTimestampIso: updated.iso,
  });
  return { status: 200, body: { canaryConfigId: id, warnings } };
}

/** `PUT /canaryConfig/{id}`: replaces an existing config (a rename or a new first application moves it). */
export async function updateKayentaConfig(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = request.params.id ?? "";
  const { config, warnings, application } = checkedConfig(parseJsonBody(request));
  const previous = await findConfigById(deps, id);
  if (!previous) throw badRequest(`Canary config '${id}' does not exist.`);
  const clash = await deps.configs.get(application, config.name);
  if (clash && kayentaConfigId(clash) !== id)
    throw badRequest(
      `Canary config with name '${config.name}' already exists in application '${application}' (id '${kayentaConfigId(clash)}').`,
    );
  const updated = stamp(Date.now());
  await store(
    deps,
    id,
    application,
    { ...config, updatedTimestamp: updated.ms, updatedTimestampIso: updated.iso },
    previous,
  );
  return { status: 200, body: { canaryConfigId: id, warnings } };
}

/** `DELETE /canaryConfig/{id}`: 204, as Kayenta. */
export async function deleteKayentaConfig(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = request.params.id ?? "";
  const stored = await findConfigById(deps, id);
  if (!stored) throw notFound(`No canary config with id '${id}'`);
  await deps.configs.delete(stored.application, stored.name);
  return { status: 204 };
}
