// Registers the canaryAnalysis orchestration and its activities; the activities come from the Azure composition root (src/app/azure.ts), built on first use.
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { ACTIVITIES, type ActivityName } from "../src/analysis/activity-contracts";
import { registerOrchestrations } from "../src/analysis/register-orchestrations";
import { logContextOf, logLine } from "../src/logging";

registerOrchestrations();

for (const name of Object.values(ACTIVITIES) as ActivityName[]) {
  df.app.activity(name, {
    handler: async (input: unknown, context: InvocationContext) => {
      const correlation = logContextOf(input);
      const started = Date.now();
      try {
        // The composition root (ports, SDKs, metric sources) loads with the first activity, not with the app.
        const { azureActivities } = await import("../src/app/azure");
        const output = await (azureActivities()[name] as (i: unknown) => Promise<unknown>)(input);
        context.log(logLine(`activity.${name}.completed`, correlation, { durationMs: Date.now() - started }));
        return output;
      } catch (err) {
        // Rethrown so the retry policy sees it; the message is the error's own (sources strip credentials).
        context.warn(
          logLine(`activity.${name}.failed`, correlation, {
            durationMs: Date.now() - started,
            error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
          }),
        );
        throw err;
      }
    },
  });
}
