// Validation Kayenta lacks: schema problems plus cross-field rules, every problem at once with its JSON path.
import type { z } from "zod";
import { AnalysisRequestSchema, type AnalysisRequest, type ScopeSide } from "./analysis-request.schema";
import type { CanaryConfig, MetricConfig } from "./canary-config.schema";
import { formatIsoDuration, parseIsoDuration } from "./duration";
import { LIMITS } from "./limits";
import type { LeniencyOptions } from "./kayenta-leniency";
import {
  KayentaCanaryAdhocBodySchema,
  KayentaCanaryExecutionRequestSchema,
  KayentaExecutionRequestSchema,
  KayentaStandaloneBodySchema,
  type KayentaCanaryAdhocBody,
  type KayentaCanaryExecutionRequest,
  type KayentaExecutionRequest,
  type KayentaStandaloneBody,
  type KayentaThresholds,
} from "./kayenta-request.schema";
import {
  kayentaLifetimeMinutes,
  mapKayentaCanaryRequest,
  mapKayentaRequest,
  type KayentaMappingOptions,
} from "./map-kayenta-request";
import {
  closestMatch,
  jsonPath,
  type PathSegment,
  type ValidationProblem,
  type ValidationResult,
} from "./problems";
import { boundVariables, scanTemplate, type TemplateScopeSide } from "./template-variables";
import {
  at,
  canaryConfigProblems,
  merge,
  parseForValidation,
  result,
  templatesUsed,
  type Path,
} from "./validate-canary-config";

// The canary config's own validation lives in validate-canary-config.ts; callers keep importing it from here.
export { canaryConfigProblems, validateCanaryConfig } from "./validate-canary-config";

const DEFAULT_SCOPE = "default";

function unknownJudge(name: string, known: readonly string[]): string {
  const guess = closestMatch(name, known);
  return `unknown judge '${name}'${guess !== undefined ? `: did you mean '${guess}'?` : ""} (judges: ${known.join(", ")})`;
}

// --- a config against the scopes of a request --------------------------------------------------

interface SideFields {
  scope: string;
  location: string;
  params: string;
}

interface ScopeView {
  /** Per side: its label in messages, its path, what it binds, and where `scope`/`location`/params are set. */
  sides: {
    label: string;
    path: Path;
    values: TemplateScopeSide;
    fields: { scope: string; location: string; params: string };
  }[];
}

/**
 * Every metric's scope exists, and every `${var}` its templates use is bound on each side.
 * `configBase` is where the config sits (undefined: a stored config, problems then point at `missingAt`).
 */
function scopeProblems(
  config: CanaryConfig,
  configBase: Path | undefined,
  scopes: ReadonlyMap<string, ScopeView>,
  missingAt: Path,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const unbound = new Map<
    string,
    { path: Path; label: string; names: Set<string>; metrics: Set<string>; fields: SideFields }
  >();
  const known = [...scopes.keys()];
  config.metrics.forEach((m, i) => {
    const name = m.scopeName ?? DEFAULT_SCOPE;
    const view = scopes.get(name);
    if (!view) {
      const guess = closestMatch(name, known);
      const list = known.length > 0 ? ` (scopes: ${known.map((k) => `'${k}'`).join(", ")})` : "";
      const hint = guess !== undefined ? `: did you mean '${guess}'?` : list;
      if (configBase)
        problems.push(
          at(
            m.scopeName === undefined
              ? [...configBase, "metrics", i]
              : [...configBase, "metrics", i, "scopeName"],
            `${m.scopeName === undefined ? "the metric's scope (default) " : "scope "}'${name}' is not among the request's scopes${hint}`,
          ),
        );
      else
        problems.push(at(missingAt, `no scope '${name}' for metric '${m.name}' of the stored config${hint}`));
      return;
    }
    const resourceType = "resourceType" in m.query ? m.query.resourceType : undefined;
    for (const t of templatesUsed(config, m, i)) {
      const scan = scanTemplate(t.text);
      if (!scan.ok) continue;
      for (const s of view.sides) {
        const bound = boundVariables(s.values, { resourceType });
        for (const v of scan.variables) {
          if (v.hasDefault || bound.has(v.name)) continue;
          const key = `${jsonPath(s.path)} ${s.label}`;
          const entry = unbound.get(key) ?? {
            path: s.path,
            label: s.label,
            names: new Set<string>(),
            metrics: new Set<string>(),
            fields: s.fields,
          };
          entry.names.add(v.name);
          entry.metrics.add(m.name);
          unbound.set(key, entry);
        }
      }
    }
  });
  for (const e of unbound.values()) {
    const vars = [...e.names].map((n) => `\${${n}}`).join(", ");
    const metrics = [...e.metrics].map((n) => `'${n}'`).join(", ");
    const fixes = [...e.names].map((n) =>
      n === "scope" || n === "location" ? `set ${e.fields[n]}` : `add '${n}' to ${e.fields.params}`,
    );
    problems.push(
      at(
        e.path,
        `${vars} (used by ${e.metrics.size === 1 ? "metric" : "metrics"} ${metrics}) ${e.names.size === 1 ? "is" : "are"} not set for the ${e.label} side: ${fixes.join(", ")}`,
      ),
    );
  }
  return problems;
}

// --- the native request ------------------------------------------------------------------------

export interface AnalysisRequestValidationOptions {
  /** The stored config a request names with `canaryConfigName` (cross-checked like an inline one). */
  storedConfig?: CanaryConfig | undefined;
  /** The judges this installation has: a request or config naming another is refused at the door. */
  knownJudges?: readonly string[];
  /**
   * Where each metric's query would go: the problem (e.g. "no metrics account named 'x'") or undefined.
   * Given by the app (it knows COALMINE_METRICS_ACCOUNTS); config stays free of settings.
   */
  accountProblem?: (
    metricsAccount: string | undefined,
    queryType: MetricConfig["query"]["type"],
  ) => string | undefined;
  /** Whether a hook URL may be reached (the outbound guard's checks that need no network), else the problem. */
  urlProblem?: (url: string) => string | undefined;
}

const durationMs = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : parseIsoDuration(iso);

function thresholdProblems(
  t: { pass?: number | null | undefined; marginal?: number | null | undefined } | undefined | null,
  base: Path,
): ValidationProblem[] {
  return t && t.marginal != null && t.pass != null && t.marginal > t.pass
    ? [at([...base, "marginal"], `marginal (${t.marginal}) must not exceed pass (${t.pass})`)]
    : [];
}

/** What Kayenta does with thresholds that lack pass or marginal (docs/configuration.md), as warnings. */
export function kayentaThresholdWarnings(
  t: KayentaThresholds | null | undefined,
  base: Path,
): ValidationProblem[] {
  if (!t) return [];
  if (t.pass == null && t.marginal == null)
    return [
      at(
        base,
        'no pass or marginal threshold: every judged score passes ("No score thresholds were specified.", as Kayenta)',
      ),
    ];
  if (t.pass == null)
    return [
      at(
        [...base, "pass"],
        'no pass threshold: a final score above marginal passes ("No pass score threshold was specified.", as Kayenta)',
      ),
    ];
  if (t.marginal == null)
    return [
      at([...base, "marginal"], "no marginal threshold: no early failure; the final score must reach pass"),
    ];
  return [];
}

/** Cross-field rules of the native request (schema-valid input). */
export function analysisRequestProblems(
  req: AnalysisRequest,
  opts: AnalysisRequestValidationOptions = {},
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (req.canaryConfig && req.canaryConfigName !== undefined)
    problems.push(at(["canaryConfigName"], "give either canaryConfig or canaryConfigName, not both"));
  if (!req.canaryConfig && req.canaryConfigName === undefined)
    problems.push(at([], "one of canaryConfig (inline) or canaryConfigName (stored) is required"));

  problems.push(...thresholdProblems(req.thresholds, ["thresholds"]));

  let totalMs = 0;
  let judgements = 0;
  const tooLong = (path: Path, iso: string | undefined, maxMs: number): boolean => {
    const ms = durationMs(iso);
    if (ms === undefined || ms <= maxMs) return false;
    problems.push(at(path, `${iso} is longer than the limit of ${formatIsoDuration(maxMs)}`));
    return true;
  };
  req.stages.forEach((stage, i) => {
    const s = (...rest: PathSegment[]) => ["stages", i, ...rest];
    for (const key of ["duration", "warmup", "interval", "lookback"] as const)
      tooLong(s(key), stage[key], LIMITS.totalDurationMs);
    const duration = durationMs(stage.duration) ?? 0;
    const interval = durationMs(stage.interval);
    const lookback = durationMs(stage.lookback);
    totalMs += duration + (durationMs(stage.warmup) ?? 0);
    if (duration > 0 && (interval ?? duration) > 0)
      judgements += Math.floor(duration / Math.min(duration, interval ?? duration));
    if (duration <= 0) problems.push(at(s("duration"), "must be longer than zero"));
    if (interval !== undefined) {
      if (interval <= 0) problems.push(at(s("interval"), "must be longer than zero"));
      else if (duration > 0 && interval > duration)
        problems.push(at(s("interval"), `${stage.interval} is longer than the stage (${stage.duration})`));
    }
    if (lookback !== undefined) {
      if (lookback <= 0)
        problems.push(at(s("lookback"), "must be longer than zero (leave it out for a growing window)"));
      else if (duration > 0 && lookback > duration && req.mode !== "kayenta-standalone")
        problems.push(
          at(
            s("lookback"),
            `${stage.lookback} is longer than the stage (${stage.duration}); windows would start before the stage`,
          ),
        );
    }
    for (const [name, pair] of Object.entries(req.scopes)) {
      const step = durationMs(pair.step) ?? 60_000;
      const shortest = Math.min(interval ?? duration, lookback ?? Infinity);
      if (step > 0 && shortest > 0 && shortest < step)
        problems.push(
          at(
            s(lookback !== undefined && lookback < (interval ?? duration) ? "lookback" : "interval"),
            `a window of ${formatIsoDuration(shortest)} is shorter than the query step of scope '${name}' (${pair.step ?? "PT1M"})`,
          ),
        );
    }
  });
  if (totalMs > LIMITS.totalDurationMs)
    problems.push(
      at(
        ["stages"],
        `the stages last ${formatIsoDuration(totalMs)} in all (warm-ups included); the limit is ${formatIsoDuration(LIMITS.totalDurationMs)}`,
      ),
    );
  if (judgements > LIMITS.judgements)
    problems.push(
      at(
        ["stages"],
        `the stages make ${judgements} judgements; the limit is ${LIMITS.judgements} (use longer intervals)`,
      ),
    );
  tooLong(["ingestionLag"], req.ingestionLag, LIMITS.ingestionLagMs);
  for (const [name, pair] of Object.entries(req.scopes)) {
    tooLong(["scopes", name, "step"], pair.step, LIMITS.totalDurationMs);
    for (const side of ["baseline", "canary"] as const)
      tooLong(["scopes", name, side, "offset"], pair[side].offset, LIMITS.offsetMs);
  }
  if (req.mode === "kayenta-standalone" && req.stages.length !== 1)
    problems.push(at(["stages"], "a kayenta-standalone request has exactly one stage"));

  for (const [name, pair] of Object.entries(req.scopes)) {
    if (pair.step !== undefined && (durationMs(pair.step) ?? 0) <= 0)
      problems.push(at(["scopes", name, "step"], "must be longer than zero"));
  }

  if (req.startTime?.startsWith("-P") && req.endTime !== undefined) {
    problems.push(at(["endTime"], "is not allowed with a relative startTime (the stages fix the end)"));
  } else if (req.startTime !== undefined && req.endTime !== undefined) {
    const start = Date.parse(req.startTime);
    const end = Date.parse(req.endTime);
    if (end <= start) problems.push(at(["endTime"], `must be after startTime (${req.startTime})`));
    else if (totalMs > end - start && req.mode !== "kayenta-standalone")
      problems.push(
        at(
          ["endTime"],
          `the stages need ${formatIsoDuration(totalMs)} but startTime to endTime spans ${formatIsoDuration(end - start)}`,
        ),
      );
  }

  req.stages.forEach((stage, i) => {
    const gate = stage.approval;
    if (!gate) return;
    if (gate.required && i === req.stages.length - 1)
      problems.push(
        at(
          ["stages", i, "approval"],
          "the last stage has no next stage to approve (a gate holds the next stage)",
        ),
      );
    if (gate.timeout !== undefined && (durationMs(gate.timeout) ?? 0) <= 0)
      problems.push(at(["stages", i, "approval", "timeout"], "must be longer than zero"));
  });

  const om = req.onMarginal;
  if (om?.timeout !== undefined) {
    if (om.action !== "await-decision")
      problems.push(at(["onMarginal", "timeout"], "only applies with action 'await-decision'"));
    else if ((durationMs(om.timeout) ?? 0) <= 0)
      problems.push(at(["onMarginal", "timeout"], "must be longer than zero"));
    else tooLong(["onMarginal", "timeout"], om.timeout, LIMITS.decisionTimeoutMs);
  }

  if (opts.urlProblem) {
    const check = (path: Path, url: string) => {
      const problem = opts.urlProblem?.(url);
      if (problem !== undefined) problems.push(at(path, problem));
    };
    if (req.trafficHook) check(["trafficHook", "url"], req.trafficHook.url);
    req.notify?.webhooks?.forEach((w, i) => check(["notify", "webhooks", i, "url"], w.url));
  }

  if (opts.knownJudges && req.judge !== undefined && !opts.knownJudges.includes(req.judge))
    problems.push(at(["judge"], unknownJudge(req.judge, opts.knownJudges)));

  const config = req.canaryConfig ?? opts.storedConfig;
  if (config) {
    if (req.canaryConfig) problems.push(...canaryConfigProblems(req.canaryConfig, ["canaryConfig"]));
    const views = new Map<string, ScopeView>();
    for (const [name, pair] of Object.entries(req.scopes)) {
      const view = (label: "baseline" | "canary", side: ScopeSide) => ({
        label,
        path: ["scopes", name, label],
        values: side,
        fields: { scope: "scope", location: "location", params: "extendedScopeParams" },
      });
      views.set(name, { sides: [view("baseline", pair.baseline), view("canary", pair.canary)] });
    }
    problems.push(
      ...scopeProblems(config, req.canaryConfig ? ["canaryConfig"] : undefined, views, ["scopes"]),
    );
    const configJudge = config.judge?.name;
    if (
      opts.knownJudges &&
      req.judge === undefined &&
      configJudge !== undefined &&
      !opts.knownJudges.includes(configJudge)
    )
      problems.push(
        at(
          req.canaryConfig ? ["canaryConfig", "judge", "name"] : ["canaryConfigName"],
          unknownJudge(configJudge, opts.knownJudges),
        ),
      );
    if (opts.accountProblem) {
      const seen = new Set<string>();
      config.metrics.forEach((m, i) => {
        const problem = opts.accountProblem?.(req.metricsAccount, m.query.type);
        if (problem === undefined || seen.has(problem)) return;
        seen.add(problem);
        const path: Path =
          req.metricsAccount !== undefined
            ? ["metricsAccount"]
            : req.canaryConfig
              ? ["canaryConfig", "metrics", i, "query", "type"]
              : ["metricsAccount"];
        problems.push(at(path, problem));
      });
    }
  }
  return problems;
}

// --- the Kayenta execution requests ------------------------------------------------------------

/** What each of Kayenta's execution requests has, and the body carrying one with its canary config. */
type KayentaRequestShape = { thresholds?: KayentaThresholds | null | undefined };
type KayentaBodyOf<R> = { canaryConfig: CanaryConfig; executionRequest: R };

/** A path below where the request sits. */
type PathFrom = (...rest: PathSegment[]) => Path;

/** What a Kayenta request's own rules find: its problems, and its scopes as the config's metrics see them. */
interface KayentaOwnRules {
  problems: ValidationProblem[];
  views: Map<string, ScopeView>;
}

/**
 * The cross-field rules of a Kayenta execution request: its thresholds, its `own` rules, then the
 * config's metrics against its scopes. `base` is where it sits, `configBase` where its config sits.
 */
function kayentaRequestRules<R extends KayentaRequestShape>(
  own: (req: R, p: PathFrom) => KayentaOwnRules,
): (req: R, config: CanaryConfig | undefined, base?: Path, configBase?: Path) => ValidationProblem[] {
  return (req, config, base = [], configBase) => {
    const p = (...rest: PathSegment[]) => [...base, ...rest];
    const found = own(req, p);
    return [
      ...thresholdProblems(req.thresholds, p("thresholds")),
      ...found.problems,
      ...(config ? scopeProblems(config, configBase, found.views, p("scopes")) : []),
    ];
  };
}

/** Kayenta's execution request: its lifetime, its windows and its list of scopes. */
function executionRequestRules(req: KayentaExecutionRequest, p: PathFrom): KayentaOwnRules {
  const problems: ValidationProblem[] = [];
  const first = req.scopes[0];
  if (first?.endTimeIso && !first.startTimeIso)
    problems.push(
      at(p("scopes", 0, "startTimeIso"), "is required with endTimeIso (a retrospective analysis needs both)"),
    );
  else if (first?.endTimeIso && first.startTimeIso) {
    if (Date.parse(first.endTimeIso) - Date.parse(first.startTimeIso) < 60_000)
      problems.push(
        at(
          p("scopes", 0, "endTimeIso"),
          `must be at least one minute after startTimeIso (${first.startTimeIso})`,
        ),
      );
  } else if (req.lifetimeDurationMins == null)
    problems.push(at(p("lifetimeDurationMins"), "is required unless scopes[0].endTimeIso is set"));
  req.scopes.forEach((s, i) => {
    if (i === 0) return;
    for (const key of ["startTimeIso", "endTimeIso", "step"] as const)
      if (s[key] != null)
        problems.push(at(p("scopes", i, key), "is ignored: only scopes[0] sets the start, end and step"));
  });
  const lifetime = kayentaLifetimeMinutes(req);
  if (lifetime !== undefined && lifetime >= 1 && req.lookbackMins && req.lookbackMins > lifetime)
    problems.push(
      at(p("lookbackMins"), `${req.lookbackMins} is longer than the lifetime (${lifetime} minutes)`),
    );
  if (first?.step && first.step >= 60 * (lifetime ?? Infinity))
    problems.push(
      at(
        p("scopes", 0, "step"),
        "is not shorter than the lifetime: every window would hold at most one point",
      ),
    );

  const seen = new Map<string, number>();
  const views = new Map<string, ScopeView>();
  req.scopes.forEach((s, i) => {
    const name = s.scopeName ?? DEFAULT_SCOPE;
    const prior = seen.get(name);
    if (prior !== undefined) {
      problems.push(at(p("scopes", i, "scopeName"), `duplicate scope '${name}' (also scopes[${prior}])`));
      return;
    }
    seen.set(name, i);
    const params = s.extendedScopeParams ?? undefined;
    const side = (label: "control" | "experiment") => ({
      label,
      path: p("scopes", i),
      values: {
        scope: s[`${label}Scope`],
        location: s[`${label}Location`] ?? undefined,
        extendedScopeParams: params,
      },
      fields: { scope: `${label}Scope`, location: `${label}Location`, params: "extendedScopeParams" },
    });
    views.set(name, { sides: [side("control"), side("experiment")] });
  });
  return { problems, views };
}

/** Cross-field rules of Kayenta's execution request; `base` is where it sits, `configBase` where its config sits. */
export const kayentaRequestProblems = kayentaRequestRules(executionRequestRules);

/** /canary's CanaryExecutionRequest: the engine judges every scope over one window. */
function canaryRequestRules(req: KayentaCanaryExecutionRequest, p: PathFrom): KayentaOwnRules {
  const problems: ValidationProblem[] = [];
  const entries = Object.entries(req.scopes);
  if (entries.length === 0) problems.push(at(p("scopes"), "must name at least one scope"));
  const span = (s: { start: string; end: string }) => Date.parse(s.end) - Date.parse(s.start);
  const first = entries[0]?.[1].experimentScope;
  const views = new Map<string, ScopeView>();
  for (const [name, pair] of entries) {
    for (const side of ["controlScope", "experimentScope"] as const) {
      const s = pair[side];
      if (span(s) <= 0) problems.push(at(p("scopes", name, side, "end"), `must be after start (${s.start})`));
      else if ((s.step ?? 60) * 1000 >= span(s))
        problems.push(
          at(
            p("scopes", name, side, "step"),
            "is not shorter than the window: it would hold at most one point",
          ),
        );
    }
    const exp = pair.experimentScope;
    const ctl = pair.controlScope;
    const sameWindow = `every scope's experiment window must be the first scope's (${first?.start ?? ""} – ${first?.end ?? ""}): Coalmine judges all scopes over one window`;
    if (first && Date.parse(exp.start) !== Date.parse(first.start))
      problems.push(at(p("scopes", name, "experimentScope", "start"), sameWindow));
    else if (first && Date.parse(exp.end) !== Date.parse(first.end))
      problems.push(at(p("scopes", name, "experimentScope", "end"), sameWindow));
    if (span(ctl) > 0 && span(exp) > 0 && span(ctl) !== span(exp))
      problems.push(
        at(
          p("scopes", name, "controlScope", "end"),
          "the control window must be as long as the experiment window (it may start earlier)",
        ),
      );
    else if (Date.parse(ctl.start) > Date.parse(exp.start))
      problems.push(
        at(
          p("scopes", name, "controlScope", "start"),
          `must not be after the experiment's start (${exp.start}): Coalmine compares the canary against the same or an earlier baseline window`,
        ),
      );
    const sideView = (label: "control" | "experiment", field: "controlScope" | "experimentScope") => {
      const s = pair[field];
      const params = Object.fromEntries(
        Object.entries(s.extendedScopeParams ?? {}).filter(
          (e): e is [string, string] => typeof e[1] === "string",
        ),
      );
      return {
        label,
        path: p("scopes", name, field),
        values: { scope: s.scope, location: s.location ?? undefined, extendedScopeParams: params },
        fields: { scope: "scope", location: "location", params: "extendedScopeParams" },
      };
    };
    views.set(name, {
      sides: [sideView("control", "controlScope"), sideView("experiment", "experimentScope")],
    });
  }
  return { problems, views };
}

/** Cross-field rules of /canary's CanaryExecutionRequest; `base` and `configBase` as for kayentaRequestProblems. */
export const kayentaCanaryRequestProblems = kayentaRequestRules(canaryRequestRules);

// --- the public validators ---------------------------------------------------------------------

const LENIENT: LeniencyOptions = {};
/** A native request is strict; only its inline canary config (a Kayenta document) is read as Kayenta reads it. */
const INLINE_CONFIG_ONLY: LeniencyOptions = { within: (path) => path[0] === "canaryConfig" };

/** A native analysis request; a request naming a stored config is cross-checked against `storedConfig` when given. */
export function validateAnalysisRequest(
  json: unknown,
  opts: AnalysisRequestValidationOptions = {},
): ValidationResult<AnalysisRequest> {
  const parsed = parseForValidation(AnalysisRequestSchema, json, INLINE_CONFIG_ONLY);
  const cross = parsed.value ? analysisRequestProblems(parsed.value, opts) : [];
  return result(parsed.value, merge(parsed.problems, cross), parsed.warnings);
}

export interface KayentaValidationOptions {
  /** The stored config of a `/{canaryConfigId}` start, for the scope checks. */
  canaryConfig?: CanaryConfig | undefined;
}

/**
 * One of Kayenta's execution requests (`/standalone_canary_analysis`'s or `/canary`'s): its schema, that
 * of the body carrying it with its canary config, its cross-field rules and its mapping to a native request.
 */
interface KayentaRequestKind<R extends KayentaRequestShape, B extends KayentaBodyOf<R>> {
  request: z.ZodType<R>;
  body: z.ZodType<B>;
  problems: (req: R, config: CanaryConfig | undefined, base?: Path, configBase?: Path) => ValidationProblem[];
  map: (req: R, canaryConfig: CanaryConfig, opts: KayentaMappingOptions) => AnalysisRequest;
}

const STANDALONE: KayentaRequestKind<KayentaExecutionRequest, KayentaStandaloneBody> = {
  request: KayentaExecutionRequestSchema,
  body: KayentaStandaloneBodySchema,
  problems: kayentaRequestProblems,
  map: mapKayentaRequest,
};

const CANARY: KayentaRequestKind<KayentaCanaryExecutionRequest, KayentaCanaryAdhocBody> = {
  request: KayentaCanaryExecutionRequestSchema,
  body: KayentaCanaryAdhocBodySchema,
  problems: kayentaCanaryRequestProblems,
  map: mapKayentaCanaryRequest,
};

/**
 * A Kayenta document read as Kayenta reads it: the lenient parse, then its cross-field problems and the
 * warnings about its thresholds (which Kayenta accepts partially).
 */
function validateKayentaDocument<S extends z.ZodType>(
  schema: S,
  json: unknown,
  cross: (v: z.infer<S>) => ValidationProblem[],
  thresholds: (v: z.infer<S>) => [KayentaThresholds | null | undefined, Path],
): ValidationResult<z.infer<S>> {
  const parsed = parseForValidation(schema, json, LENIENT);
  const v = parsed.value;
  const warnings = [...parsed.warnings, ...(v ? kayentaThresholdWarnings(...thresholds(v)) : [])];
  return result(v, merge(parsed.problems, v ? cross(v) : []), warnings);
}

/** The validator of the kind's bare execution request; its scopes are checked against `opts.canaryConfig` when given. */
function requestValidator<R extends KayentaRequestShape, B extends KayentaBodyOf<R>>(
  kind: KayentaRequestKind<R, B>,
): (json: unknown, opts?: KayentaValidationOptions) => ValidationResult<R> {
  return (json, opts = {}) =>
    validateKayentaDocument(
      kind.request,
      json,
      (v) => kind.problems(v, opts.canaryConfig),
      (v) => [v.thresholds, ["thresholds"]],
    );
}

/** The validator of the kind's `{ canaryConfig, executionRequest }` body: the config's problems, then the request's. */
function bodyValidator<R extends KayentaRequestShape, B extends KayentaBodyOf<R>>(
  kind: KayentaRequestKind<R, B>,
): (json: unknown) => ValidationResult<B> {
  return (json) =>
    validateKayentaDocument(
      kind.body,
      json,
      (v) => [
        ...canaryConfigProblems(v.canaryConfig, ["canaryConfig"]),
        ...kind.problems(v.executionRequest, v.canaryConfig, ["executionRequest"], ["canaryConfig"]),
      ],
      (v) => [v.executionRequest.thresholds, ["executionRequest", "thresholds"]],
    );
}

/** A mapped native request, validated again as a safety net; the Kayenta document's warnings carried along. */
function mapped(
  request: AnalysisRequest,
  warnings: ValidationProblem[] | undefined,
): ValidationResult<AnalysisRequest> {
  const checked = validateAnalysisRequest(request);
  return { ...checked, warnings: [...(warnings ?? []), ...(checked.warnings ?? [])] };
}

/**
 * Validates a body of the kind (or a bare request of the kind with its stored config) and maps it to a
 * native request (`mode: "kayenta-standalone"`), which is validated again as a safety net.
 */
function analysisRequestMapper<R extends KayentaRequestShape, B extends KayentaBodyOf<R>>(
  kind: KayentaRequestKind<R, B>,
): (
  input: { body: unknown; storedConfig?: CanaryConfig | undefined },
  opts: KayentaMappingOptions,
) => ValidationResult<AnalysisRequest> {
  const validateRequest = requestValidator(kind);
  const validateBody = bodyValidator(kind);
  return (input, opts) => {
    if (input.storedConfig) {
      const r = validateRequest(input.body, { canaryConfig: input.storedConfig });
      if (!r.ok) return r;
      return mapped(kind.map(r.value, input.storedConfig, opts), r.warnings);
    }
    const r = validateBody(input.body);
    if (!r.ok) return r;
    return mapped(kind.map(r.value.executionRequest, r.value.canaryConfig, opts), r.warnings);
  };
}

/** A bare Kayenta CanaryAnalysisExecutionRequest (the body of `/standalone_canary_analysis/{canaryConfigId}`). */
export const validateKayentaExecutionRequest = requestValidator(STANDALONE);

/** Kayenta's `{ canaryConfig, executionRequest }` body of `POST /standalone_canary_analysis`. */
export const validateKayentaStandaloneBody = bodyValidator(STANDALONE);

/** Kayenta's CanaryExecutionRequest, the body of `POST /canary/{canaryConfigId}`. */
export const validateKayentaCanaryRequest = requestValidator(CANARY);

/** Kayenta's CanaryAdhocExecutionRequest `{ canaryConfig, executionRequest }`, the body of `POST /canary`. */
export const validateKayentaCanaryAdhocBody = bodyValidator(CANARY);

/** A Kayenta standalone body, or a bare execution request with its stored config, as a native request. */
export const kayentaToAnalysisRequest = analysisRequestMapper(STANDALONE);

/** The same for `/canary`: a CanaryExecutionRequest with its stored config, or the ad-hoc body. */
export const kayentaCanaryToAnalysisRequest = analysisRequestMapper(CANARY);
