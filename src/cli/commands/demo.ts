// `coalmine demo`: placeholder until its issue lands.
import { UsageError, type CliCommand } from "../cli-io";

export const command: CliCommand = async () => {
  throw new UsageError("'demo' is not available yet");
};
