// The suite-wide Azurite from global-setup is reachable through the injected connection string.
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { azuriteConnectionString, testStorage, uniqueStoragePrefix } from "../helpers/azurite";

describe("suite Azurite", () => {
  it("is provided to test files and accepts table writes", async () => {
    const connection = azuriteConnectionString();
    expect(connection).toMatch(/AccountName=devstoreaccount1;.*TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//);
    expect(process.env.COALMINE_TEST_STORAGE).toBe(connection);
    const table = TableClient.fromConnectionString(connection, `${uniqueStoragePrefix("smoke")}x`, {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", n: 7 });
    const row = await table.getEntity<{ n: number }>("p", "r");
    expect(row.n).toBe(7);
  });

  it("gives each call a fresh storage-safe prefix", () => {
    const a = uniqueStoragePrefix("My-File");
    const b = uniqueStoragePrefix("My-File");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z][a-z0-9]+$/);
  });

  it("testStorage gives each caller its own tables and container", async () => {
    const a = testStorage("iso");
    const b = testStorage("iso");
    expect(a.settings.names.container).not.toBe(b.settings.names.container);
    await a.stores.artifacts.putJson("analyses/X/request.json", { from: "a" });
    expect(await a.stores.artifacts.getJson("analyses/X/request.json")).toEqual({ from: "a" });
    expect(await b.stores.artifacts.getJson("analyses/X/request.json")).toBeUndefined();
  });
});
