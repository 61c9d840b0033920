// Registers the retention timer: daily, purges analyses older than COALMINE_RETENTION (default P30D) with blobs and history.
import { app } from "@azure/functions";
import * as df from "durable-functions";

app.timer("retention", {
  schedule: "0 15 3 * * *",
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    const { runRetention } = await import("../src/app/azure");
    const result = await runRetention(context);
    context.log(
      `retention: purged ${result.analyses} analyses, ${result.intervals} intervals, ${result.blobs} blobs, ${result.histories} histories; ${result.skippedActive} active skipped`,
    );
    if (result.failures.length) {
      throw new AggregateError(
        result.failures.map((f) => f.error),
        `retention: ${result.failures.length} analyses could not be purged`,
      );
    }
  },
});
