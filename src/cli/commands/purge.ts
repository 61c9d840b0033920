// `coalmine purge [--older-than P30D] [--dry-run] [--task-hub NAME]`: retention against COALMINE_STORAGE.
import { parseArgs } from "node:util";
import { parseIsoDuration } from "../../config/duration";
import { StoreError } from "../../store/errors";
import { parseSettings, SettingsError, type Settings } from "../../app/settings";
import { createAzureStores } from "../../app/stores";
import { purgeAnalyses, retentionCutoff, type PurgeResult } from "../../store/retention";
import { describeStorage } from "../../store/storage-settings";
import { TaskHubHistory } from "../../store/task-hub-history";
import { clockOf, ExitCode, UsageError, type CliCommand } from "../cli-io";

const USAGE =
  "usage: coalmine purge [--older-than P30D] [--dry-run] [--task-hub NAME]\n" +
  "  deletes analyses created before now minus --older-than (default COALMINE_RETENTION or P30D), with their\n" +
  "  interval rows, blobs and Durable history (task hub tables in the same account), in COALMINE_STORAGE.\n";

function summary(result: PurgeResult, olderThan: string, cutoff: Date): string {
  const verb = result.dryRun ? "would purge" : "purged";
  return (
    `${verb} ${result.analyses} analyses created before ${cutoff.toISOString()} (older than ${olderThan}): ` +
    `${result.intervals} interval rows, ${result.blobs} blobs, ${result.histories} instance histories; ` +
    `${result.skippedActive} still active, left alone\n`
  );
}

export const command: CliCommand = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        "older-than": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "task-hub": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, {
      cause: error,
    });
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.pass;
  }
  let settings: Settings;
  try {
    settings = parseSettings(io.env);
  } catch (error) {
    if (error instanceof StoreError || error instanceof SettingsError)
      throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const olderThan = values["older-than"] ?? settings.retention;
  const ms = parseIsoDuration(olderThan);
  if (ms === undefined || ms <= 0)
    throw new UsageError(
      `--older-than ${JSON.stringify(olderThan)} must be a positive ISO 8601 duration such as P30D`,
    );
  const storage = settings.storage;
  if (!storage)
    throw new UsageError(
      "COALMINE_STORAGE is not set. Without it analyses live in an in-process store that ends with its process, so there is nothing to purge; set it to the connection string or account name of the storage to clean",
    );

  const hub = values["task-hub"] ?? settings.taskHub;
  const cutoff = retentionCutoff(clockOf(io)(), olderThan);
  const stores = createAzureStores(storage);
  const history = new TaskHubHistory(storage, hub);
  io.stderr(
    `purging in ${describeStorage(storage)} (task hub ${hub})${values["dry-run"] ? ", dry run" : ""}\n`,
  );
  const result = await purgeAnalyses({
    olderThan: cutoff,
    stores,
    dryRun: values["dry-run"],
    purgeHistory: async (id) => {
      await history.purge(id);
    },
  });
  io.stdout(summary(result, olderThan, cutoff));
  for (const failure of result.failures)
    io.stderr(`could not purge ${failure.application}/${failure.id}: ${failure.error.message}\n`);
  return result.failures.length > 0 ? ExitCode.error : ExitCode.pass;
};
