// Ports the orchestration uses to tell the outside world: analysis events (webhooks, Azure DevOps, GitHub) and traffic hooks.
import type { AnalysisStatus } from "../analysis/analysis-status";

export type AnalysisEventName = "started" | "judgement" | "awaiting-decision" | "completed";

export interface AnalysisEvent {
  event: AnalysisEventName;
  /** The analysis status at the time of the event (verdict and score when completed). */
  status: AnalysisStatus;
  /** Absolute report URL when a public base URL is configured, else the relative one. */
  reportUrl: string;
  /** For `judgement`: a human-readable progress line. */
  message?: string;
}

export interface Notifier {
  /** Delivers the event to every target the analysis asked for; transient failures throw (retried by the caller). */
  notify(analysisId: string, event: AnalysisEvent): Promise<void>;
}

export interface TrafficHookCall {
  analysisId: string;
  application: string;
  stage: { index: number; name: string; trafficWeight: number };
  url: string;
  secretName?: string;
}

export interface TrafficHook {
  /** POSTs the stage's weight to the hook (HMAC-signed); resolves on 2xx, throws otherwise. */
  setWeight(call: TrafficHookCall): Promise<void>;
}
