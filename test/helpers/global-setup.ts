// Vitest global setup: services shared by the whole suite are started here (see test/helpers/*).
import type { TestProject } from "vitest/node";
import { startAzurite } from "../../src/app/azurite";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide("azuriteConnectionString", azurite.connectionString);
  process.env.COALMINE_TEST_STORAGE = azurite.connectionString;
  return async () => {
    await azurite.stop();
  };
}
