// The HTTP handlers' ports (HttpDeps) for either host: the analysis service over an OrchestrationClient, the stores, reports, accounts.
import { createAnalysisService } from "../analysis/analysis-service";
import { doorChecks } from "./door-checks";
import type { OrchestrationClient } from "../analysis/orchestration-client";
import type { Clock } from "../analysis/ports/clock";
import { describeAccounts } from "../metrics/accounts";
import { SecretBox, SecretKeyError } from "../notify/secret-box";
import { azureDevOpsArtifactPath } from "../notify/azure-devops-notifier";
import type { AnalysisStore, ArtifactStore, ConfigStore } from "../analysis/ports/store";
import type { AnalysisApi, HttpDeps } from "../http/http-deps";
import { newUlid } from "../ids";
import type { Settings } from "./settings";

export interface AppHttpDepsOptions {
  analysisStore: AnalysisStore;
  artifactStore: ArtifactStore;
  configStore: ConfigStore;
  client: OrchestrationClient;
  settings: Settings;
  clock: Clock;
  logError?: (message: string, error: unknown) => void;
}

export function createAppHttpDeps(options: AppHttpDepsOptions): HttpDeps {
  const { clock, settings } = options;
  const newId = (): string => newUlid(clock().getTime());
  const service = createAnalysisService({
    analysisStore: options.analysisStore,
    artifactStore: options.artifactStore,
    configStore: options.configStore,
    client: options.client,
    clock,
    newId,
    checks: doorChecks(settings),
  });
  const analyses: AnalysisApi = {
    ...service,
    async start(request, startOptions) {
      try {
        return await service.start(request, startOptions);
      } catch (err) {
        // Nothing of a refused start stays behind (e.g. the sealed Azure DevOps context).
        await options.artifactStore.deletePrefix(azureDevOpsArtifactPath(startOptions.id));
        throw err;
      }
    },
  };
  // Fail closed: a key that is set but unusable (not 256 bits, an unresolved Key Vault reference) refuses Azure
  // DevOps starts with a 503 naming the setting, never falls back to another key.
  let secretBox: SecretBox | undefined;
  let secretBoxProblem: string | undefined;
  try {
    if (settings.secretKey) secretBox = SecretBox.fromSetting(settings.secretKey, settings.secretKeyPrevious);
  } catch (err) {
    if (!(err instanceof SecretKeyError)) throw err;
    secretBoxProblem = err.message;
  }
  const deps: HttpDeps = {
    analyses,
    artifacts: options.artifactStore,
    configs: options.configStore,
    async describeAccounts() {
      return { accounts: describeAccounts(settings.metricsAccounts()) };
    },
    async renderReport(id) {
      const status = await service.getStatus(id);
      if (!status) return undefined;
      // The report's modules load when a report is first rendered.
      const [{ loadReportModel }, { renderReport }] = await Promise.all([
        import("../report/load-report"),
        import("../report/render-report"),
      ]);
      const model = await loadReportModel(
        status,
        { analyses: options.analysisStore, artifacts: options.artifactStore },
        clock().toISOString(),
      );
      return renderReport(model);
    },
    newId,
    clock,
    logError: options.logError ?? ((message, error) => console.error(message, error)),
  };
  if (secretBox) deps.secretBox = secretBox;
  if (secretBoxProblem !== undefined) deps.secretBoxProblem = secretBoxProblem;
  if (settings.outboundAllowlist !== undefined) deps.outboundAllowlist = settings.outboundAllowlist;
  if (settings.linkBase) deps.publicBaseUrl = settings.linkBase;
  return deps;
}
