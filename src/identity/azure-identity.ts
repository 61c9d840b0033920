// The only module that imports @azure/identity (and MSAL behind it). Loaded through `import()` by
// lazy-credential.ts when a credential is first asked for a token; the build makes it a bundle of its own
// (scripts/build.ts, docs/performance.md), so a process that never needs one never loads it.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";

export interface DefaultCredentialOptions {
  /** A user-assigned managed identity's client id; absent = DefaultAzureCredential's own choice. */
  managedIdentityClientId?: string;
}

export function createDefaultAzureCredential(options: DefaultCredentialOptions): TokenCredential {
  return new DefaultAzureCredential(
    options.managedIdentityClientId !== undefined
      ? { managedIdentityClientId: options.managedIdentityClientId }
      : {},
  );
}
