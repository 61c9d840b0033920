// The Notifier port: analysis events for the outside world (webhooks, Azure DevOps, GitHub); adapters in src/notify/.
import type { AnalysisStatus } from "../analysis-status";

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
