// DefaultAzureCredential (managed identity in Azure, developer credentials locally), loaded when first asked for a token.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { DefaultCredentialOptions } from "./azure-identity";

/**
 * A TokenCredential that loads @azure/identity (azure-identity.ts) and creates the DefaultAzureCredential on the
 * first `getToken`, then hands every call to it. The SDK clients and the Azure metric sources take it like any
 * credential; a process whose storage uses a connection string and whose metric accounts need no Entra token never
 * loads the identity SDK (docs/performance.md).
 */
export class LazyDefaultAzureCredential implements TokenCredential {
  private credential: Promise<TokenCredential> | undefined;

  constructor(private readonly options: DefaultCredentialOptions = {}) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.credential ??= import("./azure-identity").then((m) => m.createDefaultAzureCredential(this.options));
    return this.credential.then((c) => c.getToken(scopes, options));
  }
}
