// The `${var}` references in a Kayenta filter template (StringSubstitutor syntax, docs/kayenta-rules.md §2.3), for validation.

export interface TemplateVariable {
  name: string;
  /** `${name:-fallback}` always resolves. */
  hasDefault: boolean;
}

export type TemplateScan = { ok: true; variables: TemplateVariable[] } | { ok: false; message: string };

/**
 * Variables referenced by a template, in order of first use. Kayenta first turns its Orca escape `$\{`
 * back into `${`; `$${` is a literal `${` (Commons Text escape), not a reference.
 */
export function scanTemplate(text: string): TemplateScan {
  const source = text.split("$\\{").join("${");
  const seen = new Map<string, TemplateVariable>();
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("$${", i)) {
      i += 3;
      continue;
    }
    if (!source.startsWith("${", i)) {
      i += 1;
      continue;
    }
    const close = source.indexOf("}", i + 2);
    if (close < 0) return { ok: false, message: `unterminated '\${' at character ${i + 1}` };
    const body = source.slice(i + 2, close);
    const dash = body.indexOf(":-");
    const name = dash >= 0 ? body.slice(0, dash) : body;
    if (name.trim() === "")
      return { ok: false, message: `empty variable name '\${${body}}' at character ${i + 1}` };
    const prior = seen.get(name);
    if (!prior) seen.set(name, { name, hasDefault: dash >= 0 });
    else if (dash < 0) prior.hasDefault = false;
    i = close + 1;
  }
  return { ok: true, variables: [...seen.values()] };
}

/** The scope side values a template may bind (docs/kayenta-rules.md §2.3 step 3). */
export interface TemplateScopeSide {
  scope?: string | undefined;
  location?: string | undefined;
  extendedScopeParams?: Readonly<Record<string, string>> | undefined;
}

/** Names bound for one side: non-empty scope/location, the query's resourceType, and every extendedScopeParams key (incl. project, resourceType). */
export function boundVariables(
  side: TemplateScopeSide,
  query?: { resourceType?: string | undefined },
): Set<string> {
  const names = new Set<string>();
  if (side.scope) names.add("scope");
  if (side.location) names.add("location");
  if (query?.resourceType) names.add("resourceType");
  for (const key of Object.keys(side.extendedScopeParams ?? {})) names.add(key);
  return names;
}
