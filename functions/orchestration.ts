// Registers the canaryAnalysis orchestration and its activities; activity ports are built from app settings on first use.
import * as df from "durable-functions";
import { ACTIVITIES, type ActivityName } from "../src/analysis/activity-contracts";
import { createActivities, type Activities } from "../src/analysis/activities/create-activities";
import { createAppPorts } from "../src/analysis/activities/app-ports";
import { registerOrchestrations } from "../src/analysis/register-orchestrations";

registerOrchestrations();

let activities: Activities | undefined;
const resolve = (): Activities => (activities ??= createActivities(createAppPorts({ env: process.env })));

for (const name of Object.values(ACTIVITIES) as ActivityName[]) {
  df.app.activity(name, {
    handler: (input: unknown) => (resolve()[name] as (i: unknown) => Promise<unknown>)(input),
  });
}
