// Wires the HTTP handlers' ports to the app: the analysis service over an OrchestrationClient, the stores, reports, accounts.
import { createAnalysisService } from "../analysis/analysis-service";
import { InvalidAnalysisRequestError } from "../analysis/errors";
import type { OrchestrationClient } from "../analysis/orchestration-client";
import { describeAccounts, loadMetricsAccounts } from "../metrics/accounts";
import { SecretBox } from "../notify/secret-box";
import { azureDevOpsArtifactPath } from "../notify/azure-devops-notifier";
import { loadReportModel } from "../report/load-report";
import { renderReport } from "../report/render-report";
import type { AnalysisStore, ArtifactStore, ConfigStore } from "../store/ports";
import type { AnalysisApi, HttpDeps } from "./http-deps";
import { invalidBody } from "./problem";
import { newUlid } from "../ids";

export interface AppHttpDepsOptions {
  analysisStore: AnalysisStore;
  artifactStore: ArtifactStore;
  configStore: ConfigStore;
  client: OrchestrationClient;
  env: Record<string, string | undefined>;
  cwd?: string;
  clock?: () => Date;
  /** A key for sealing Azure DevOps tokens when COALMINE_SECRET_KEY is unset (`coalmine serve` makes one per process). */
  fallbackSecretKey?: Buffer;
  logError?: (message: string, error: unknown) => void;
}

export function createAppHttpDeps(options: AppHttpDepsOptions): HttpDeps {
  const clock = options.clock ?? (() => new Date());
  const newId = (): string => newUlid(clock().getTime());
  const service = createAnalysisService({
    analysisStore: options.analysisStore,
    artifactStore: options.artifactStore,
    configStore: options.configStore,
    client: options.client,
    clock,
    newId,
  });
  const analyses: AnalysisApi = {
    ...service,
    async start(request, startOptions) {
      try {
        return await service.start(request, startOptions);
      } catch (err) {
        // Nothing of a refused start stays behind (e.g. the sealed Azure DevOps context).
        await options.artifactStore.deletePrefix(azureDevOpsArtifactPath(startOptions.id));
        if (err instanceof InvalidAnalysisRequestError) throw invalidBody(err.problems);
        throw err;
      }
    },
  };
  const key = options.env.COALMINE_SECRET_KEY;
  const secretBox = key
    ? SecretBox.fromSetting(key)
    : options.fallbackSecretKey
      ? new SecretBox(options.fallbackSecretKey)
      : undefined;
  const deps: HttpDeps = {
    analyses,
    artifacts: options.artifactStore,
    configs: options.configStore,
    async describeAccounts() {
      return { accounts: describeAccounts(loadMetricsAccounts(options.env, options.cwd ?? process.cwd())) };
    },
    async renderReport(id) {
      const status = await service.getStatus(id);
      if (!status) return undefined;
      const model = await loadReportModel(
        status,
        { analyses: options.analysisStore, artifacts: options.artifactStore },
        clock().toISOString(),
      );
      return renderReport(model);
    },
    newId,
    logError: options.logError ?? ((message, error) => console.error(message, error)),
  };
  if (secretBox) deps.secretBox = secretBox;
  if (options.env.COALMINE_OUTBOUND_ALLOWLIST !== undefined)
    deps.outboundAllowlist = options.env.COALMINE_OUTBOUND_ALLOWLIST;
  if (options.env.COALMINE_PUBLIC_URL) deps.publicBaseUrl = options.env.COALMINE_PUBLIC_URL;
  return deps;
}
