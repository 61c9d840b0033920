// The start checks that need the installation: the judges it has, the metric accounts and outbound allowlist it is
// configured with. Made before an analysis starts (400 with the path), never after (docs/security.md).
import type { AnalysisRequestValidationOptions } from "../config/validate";
import { JUDGE_NAMES } from "../judge/registry";
import { MetricsAccountError, resolveMetricsAccount } from "../metrics/accounts";
import { OutboundBlockedError, OutboundGuard } from "../notify/outbound-guard";
import type { Settings } from "./settings";

export type DoorChecks = Pick<
  AnalysisRequestValidationOptions,
  "knownJudges" | "accountProblem" | "urlProblem"
>;

/** `judges`/`accounts: false` when tests or the demo replace the judges or metric sources. */
export function doorChecks(
  settings: Pick<Settings, "metricsAccounts" | "outboundAllowlist">,
  options: { judges?: boolean; accounts?: boolean } = {},
): DoorChecks {
  const checks: DoorChecks = {};
  const guard = new OutboundGuard(
    settings.outboundAllowlist !== undefined ? { allowlist: settings.outboundAllowlist } : {},
  );
  checks.urlProblem = (url) => {
    try {
      guard.checkSyntax(url);
      return undefined;
    } catch (err) {
      if (err instanceof OutboundBlockedError) return err.message;
      throw err;
    }
  };
  if (options.judges !== false) checks.knownJudges = JUDGE_NAMES;
  if (options.accounts !== false) {
    checks.accountProblem = (name, queryType) => {
      try {
        resolveMetricsAccount(settings.metricsAccounts(), name, queryType);
        return undefined;
      } catch (err) {
        if (err instanceof MetricsAccountError) return err.message.split("\n")[0];
        throw err;
      }
    };
  }
  return checks;
}
