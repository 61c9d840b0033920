// Vitest global setup: services shared by the whole suite are started here (see test/helpers/*).
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
