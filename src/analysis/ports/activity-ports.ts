// What the activities need, injected once at start-up (Temporal's activities-dependency-injection pattern).
import type { MetricConfig } from "../../config/canary-config.schema";
import type { Judge } from "../../judge/types";
import type { MetricSource } from "./metric-source";
import type { Clock } from "./clock";
import type { Notifier } from "./notifier";
import type { TrafficHook } from "./traffic-hook";
import type { AnalysisStore, ArtifactStore } from "./store";

/** Finds the source for a metric: by the request's metrics account and the metric's query type. */
export type MetricSourceResolver = (account: string | undefined, metric: MetricConfig) => MetricSource;

export interface ActivityPorts {
  analysisStore: AnalysisStore;
  artifactStore: ArtifactStore;
  metricSources: MetricSourceResolver;
  /** A judge by name (src/judge/registry.ts); throws for an unknown name. */
  judges: (name: string) => Judge;
  notifier: Notifier;
  trafficHook: TrafficHook;
  /** Wall time for `updatedAt` stamps (activities may read the clock; the orchestrator may not). */
  clock: Clock;
  /** Public base URL (e.g. `https://app.azurewebsites.net`) for absolute report links in notifications. */
  publicBaseUrl?: string;
}
