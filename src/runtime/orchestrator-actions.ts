// The actions an orchestrator episode returns (durable-functions 3.5.0 `src/actions/*`, `OrchestratorState`), flattened and compared for replay.

/** Numeric `actionType` values (durable-functions `src/actions/ActionType.ts`). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** Retry options as serialized by the SDK's `RetryOptions` (all milliseconds). */
export interface WireRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as JSON (after `JSON.parse(JSON.stringify(state))`). */
export interface OrchestratorAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: WireRetryOptions;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  reason?: string;
  compoundActions?: OrchestratorAction[];
}

/** What the orchestrator handler returns (or carries in an OrchestrationFailureError). */
export interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  customStatus?: unknown;
  schemaVersion: number;
  error?: string;
  failureDetails?: unknown;
}

/** Depth-first flattening of WhenAny/WhenAll into their children, in scheduling order. */
export function flattenActions(actions: readonly OrchestratorAction[][]): OrchestratorAction[] {
  const flat: OrchestratorAction[] = [];
  const walk = (action: OrchestratorAction): void => {
    if (action.compoundActions !== undefined) action.compoundActions.forEach(walk);
    else flat.push(action);
  };
  for (const group of actions) group.forEach(walk);
  return flat;
}

/** Canonical text of an action for the replay check: `isCanceled` may flip after scheduling, so it is left out. */
export function actionKey(action: OrchestratorAction): string {
  // Key order is the SDK's (its action constructors) and the orchestrator's own, both deterministic.
  return JSON.stringify(action, (key, v: unknown) =>
    key === "isCanceled" || key === "compoundActions" ? undefined : v,
  );
}

/** Short human description of an action ("CallActivity fetchMetrics {...}"). */
export function describeAction(action: OrchestratorAction | undefined): string {
  if (action === undefined) return "(no action)";
  const type =
    Object.entries(ActionType).find(([, v]) => v === action.actionType)?.[0] ?? `action ${action.actionType}`;
  const { actionType: _t, isCanceled: _c, compoundActions: _k, ...rest } = action;
  const text = stableStringify(rest);
  return `${type} ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}
