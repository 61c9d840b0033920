// `coalmine judge`: placeholder until its issue lands.
import { UsageError, type CliCommand } from "../cli-io";

export const command: CliCommand = async () => {
  throw new UsageError("'judge' is not available yet");
};
