// COALMINE_STORAGE parsing: connection strings, development storage, account names (managed identity), prefixes.
import { parseSettings } from "../../src/app/settings";
import { describe, expect, it } from "vitest";
import { describeStorage, parseStorageSettings, storageNames } from "../../src/store/storage-settings";

const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

describe("storage settings", () => {
  it("reads a shared-key connection string with explicit http endpoints (Azurite on free ports)", () => {
    const s = parseStorageSettings(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:41001/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1/;`,
    );
    expect(s).toMatchObject({
      auth: "connectionString",
      tableEndpoint: "http://127.0.0.1:41002/devstoreaccount1",
      blobEndpoint: "http://127.0.0.1:41001/devstoreaccount1",
      allowInsecureConnection: true,
      names: {
        analyses: "analyses",
        intervals: "intervals",
        canaryConfigs: "canaryConfigs",
        container: "coalmine",
      },
    });
  });

  it("derives https endpoints from AccountName and EndpointSuffix", () => {
    const s = parseStorageSettings(
      `DefaultEndpointsProtocol=https;AccountName=prodacct;AccountKey=${KEY};EndpointSuffix=core.chinacloudapi.cn`,
    );
    expect([s.tableEndpoint, s.blobEndpoint, s.allowInsecureConnection]).toEqual([
      "https://prodacct.table.core.chinacloudapi.cn",
      "https://prodacct.blob.core.chinacloudapi.cn",
      false,
    ]);
  });

  it("maps UseDevelopmentStorage=true to Azurite's default ports", () => {
    const s = parseStorageSettings("UseDevelopmentStorage=true");
    expect([s.auth, s.tableEndpoint, s.blobEndpoint, s.allowInsecureConnection]).toEqual([
      "connectionString",
      "http://127.0.0.1:10002/devstoreaccount1",
      "http://127.0.0.1:10000/devstoreaccount1",
      true,
    ]);
  });

  it("takes a bare account name as managed identity with no shared key", () => {
    const s = parseStorageSettings("coalminestore");
    expect(s).toMatchObject({
      auth: "identity",
      accountName: "coalminestore",
      tableEndpoint: "https://coalminestore.table.core.windows.net",
      blobEndpoint: "https://coalminestore.blob.core.windows.net",
      allowInsecureConnection: false,
    });
    expect(describeStorage(s)).toBe(
      "https://coalminestore.table.core.windows.net + https://coalminestore.blob.core.windows.net/coalmine via managed identity (account coalminestore)",
    );
  });

  it("prefixes every table and the container", () => {
    expect(storageNames("Ci42")).toEqual({
      analyses: "Ci42analyses",
      intervals: "Ci42intervals",
      canaryConfigs: "Ci42canaryConfigs",
      analysisIndex: "Ci42analysisIndex",
      container: "ci42coalmine",
    });
    expect(
      parseSettings({ COALMINE_STORAGE: "acct123", COALMINE_STORAGE_PREFIX: "dev" }).storage?.names.container,
    ).toBe("devcoalmine");
    expect(parseSettings({}).storage).toBeUndefined();
    expect(parseSettings({ COALMINE_STORAGE: "  " }).storage).toBeUndefined();
  });

  it("explains what is wrong with a bad value, never echoing a key", () => {
    const messages = [
      "Not An Account",
      "AccountName=x",
      "DefaultEndpointsProtocol=https;AccountKey=abc",
      "TableEndpoint=http://h/t;BlobEndpoint=http://h/b",
      "garbage;AccountName=x",
    ].map((v) => {
      try {
        parseStorageSettings(v);
        return "parsed";
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    });
    expect(messages).toMatchInlineSnapshot(`
      [
        "StorageSettingsError: COALMINE_STORAGE "Not An Account" is neither a connection string nor a storage account name (3-24 lower-case letters and digits)",
        "StorageSettingsError: COALMINE_STORAGE connection string has no AccountKey or SharedAccessSignature; give just the account name to use a managed identity",
        "StorageSettingsError: COALMINE_STORAGE connection string names neither AccountName nor both TableEndpoint and BlobEndpoint",
        "StorageSettingsError: COALMINE_STORAGE connection string has no AccountKey or SharedAccessSignature; give just the account name to use a managed identity",
        "StorageSettingsError: COALMINE_STORAGE: "garbage" is not Key=Value",
      ]
    `);
    expect(() => storageNames("bad-prefix")).toThrow(/storage prefix "bad-prefix" is invalid/);
  });
});
