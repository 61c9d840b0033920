// Kayenta's custom filter templates (QueryConfigUtils.expandCustomFilter, docs/kayenta-rules.md §2.3): choose, unescape, bind, expand `${var}`.
import type { CanaryConfig } from "../config/canary-config.schema";
import type { MetricScope } from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";

/** A template that cannot be chosen or expanded (missing template, unknown variable, cycle). */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    message: string,
    readonly variable?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * What `expand` returns; a TemplateError it throws becomes a QueryBuildError naming the metric (`label`): a query
 * that cannot be built, a permanent error.
 */
export function expandForMetric<T>(label: string, expand: () => T): T {
  try {
    return expand();
  } catch (err) {
    if (err instanceof TemplateError)
      throw new QueryBuildError(`metric '${label}': ${err.message}`, { cause: err });
    throw err;
  }
}

interface TemplatedQuery {
  customInlineTemplate?: string | undefined;
  customFilterTemplate?: string | undefined;
}

/**
 * The template text a query asks for, or undefined when it names none (docs/kayenta-rules.md §2.3 step 1):
 * a non-empty `customInlineTemplate` wins; else `templates[customFilterTemplate]`.
 */
export function chooseTemplate(
  config: Pick<CanaryConfig, "templates">,
  query: TemplatedQuery,
): string | undefined {
  if (query.customInlineTemplate !== undefined && query.customInlineTemplate !== "")
    return query.customInlineTemplate;
  const name = query.customFilterTemplate;
  if (name === undefined || name === "") return undefined;
  const templates = config.templates;
  if (!templates || Object.keys(templates).length === 0)
    throw new TemplateError(
      `Custom filter template '${name}' was referenced, but no templates were defined.`,
    );
  const text = Object.hasOwn(templates, name) ? templates[name] : undefined;
  if (text === undefined)
    throw new TemplateError(
      `Custom filter template '${name}' was not found (templates: ${Object.keys(templates).join(", ")}).`,
    );
  return text;
}

/**
 * The variables a template sees, later entries overriding earlier ones (docs/kayenta-rules.md §2.3 step 3):
 * non-empty scope properties (`scope`, `location`, `project`, `resourceType`), then the query's own
 * `resourceType`, then every extendedScopeParams entry.
 */
export function templateBindings(scope: MetricScope, query?: { resourceType?: string | undefined }) {
  // No prototype: a parameter named `__proto__` or `constructor` is an entry like any other.
  const bindings: Record<string, string> = Object.create(null) as Record<string, string>;
  const ext = scope.extendedScopeParams ?? {};
  const own = (k: string): string | undefined => (Object.hasOwn(ext, k) ? ext[k] : undefined);
  // Prometheus lifts `project` and `resourceType` out of extendedScopeParams into the scope bean.
  const props: Record<string, string | undefined> = {
    project: own("project"),
    resourceType: own("resourceType"),
    scope: scope.scope,
    location: scope.location,
  };
  for (const [k, v] of Object.entries(props)) if (v !== undefined && v !== "") bindings[k] = v;
  if (query?.resourceType !== undefined && query.resourceType !== "")
    bindings["resourceType"] = query.resourceType;
  for (const [k, v] of Object.entries(ext)) bindings[k] = v;
  return bindings;
}

/** Kayenta escapes `${` as `$\{` before storing configs in Orca's context; undo it (§2.3 step 2). */
export function unescapeTemplate(text: string): string {
  return text.split("$\\{").join("${");
}

/**
 * Expand `${var}` like Apache Commons Text's StringSubstitutor with undefined-variable exceptions on:
 * `${var:-default}` falls back to the default, `$${` is a literal `${`, resolved values are expanded
 * again (a cycle is an error), and an unknown variable is an error naming it.
 */
export function expandTemplate(text: string, bindings: Readonly<Record<string, string>>): string {
  return substitute(text, bindings, []);
}

function substitute(text: string, bindings: Readonly<Record<string, string>>, stack: string[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("${", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    if (at > i && text[at - 1] === "$") {
      // `$${x}` → literal `${x}`: the escape character is dropped, the rest is kept as is.
      out += text.slice(i, at - 1) + "${";
      i = at + 2;
      continue;
    }
    out += text.slice(i, at);
    const close = findClose(text, at + 2);
    if (close < 0) {
      out += text.slice(at);
      break;
    }
    const body = text.slice(at + 2, close);
    const dash = body.indexOf(":-");
    const name = dash >= 0 ? body.slice(0, dash) : body;
    const fallback = dash >= 0 ? body.slice(dash + 2) : undefined;
    if (stack.includes(name))
      throw new TemplateError(
        `Problem evaluating custom filter template: infinite loop in variable '${name}' (${[...stack, name].join(" → ")})`,
        name,
      );
    const value = Object.prototype.hasOwnProperty.call(bindings, name) ? bindings[name] : fallback;
    if (value === undefined) {
      const known = Object.keys(bindings).sort();
      throw new TemplateError(
        `Problem evaluating custom filter template: unknown variable '\${${name}}'` +
          ` (known: ${known.length > 0 ? known.join(", ") : "none"})`,
        name,
      );
    }
    out += substitute(value, bindings, [...stack, name]);
    i = close + 1;
  }
  return out;
}

/** Index of the `}` closing a variable opened just before `from`, honouring nested `${…}`. */
function findClose(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text.startsWith("${", j)) {
      depth++;
      j++;
    } else if (text[j] === "}") {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

/** Choose, unescape and expand a query's custom filter; undefined when it names no template. */
export function expandCustomFilter(
  config: Pick<CanaryConfig, "templates">,
  query: TemplatedQuery & { resourceType?: string | undefined },
  scope: MetricScope,
): string | undefined {
  const template = chooseTemplate(config, query);
  if (template === undefined) return undefined;
  return expandTemplate(unescapeTemplate(template), templateBindings(scope, query));
}
