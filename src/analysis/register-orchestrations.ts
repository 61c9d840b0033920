// Registers the orchestrations with durable-functions (df.app.orchestration): the Functions host and the local runtime share this.
import * as df from "durable-functions";
import { ORCHESTRATIONS } from "./activity-contracts";
import { canaryAnalysisOrchestrator } from "./orchestrator";

export function registerOrchestrations(): void {
  df.app.orchestration(ORCHESTRATIONS.canaryAnalysis, canaryAnalysisOrchestrator);
}
