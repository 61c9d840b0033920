// OrchestrationClient over durable-functions' DurableClient: idempotent start, 404 → undefined, errors wrapped.
import { describe, expect, it } from "vitest";
import {
  DurableClientError,
  DurableOrchestrationClient,
  type DurableClientLike,
} from "../../src/analysis/durable-orchestration-client";

function stub(statuses: Map<string, Record<string, unknown>>) {
  const calls: unknown[][] = [];
  const client = {
    startNew: async (name: string, options?: { instanceId?: string; input?: unknown }) => {
      calls.push(["startNew", name, options]);
      return options?.instanceId ?? "generated";
    },
    getStatus: async (id: string) => {
      calls.push(["getStatus", id]);
      const s = statuses.get(id);
      if (s === undefined) {
        throw new Error(
          `DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: ${id}.`,
        );
      }
      if (s.broken === true) throw new Error("DurableClient error: HTTP 500");
      return s;
    },
    raiseEvent: async (...args: unknown[]) => void calls.push(["raiseEvent", ...args]),
    terminate: async (...args: unknown[]) => void calls.push(["terminate", ...args]),
    purgeInstanceHistory: async (id: string) => (calls.push(["purge", id]), { instancesDeleted: 1 }),
  };
  return { client: client as unknown as DurableClientLike, calls };
}

const running = {
  name: "canaryAnalysis",
  instanceId: "a1",
  createdTime: new Date("2026-01-01T00:00:00.000Z"),
  lastUpdatedTime: new Date("2026-01-01T00:05:00.000Z"),
  input: { application: "checkout" },
  output: null,
  runtimeStatus: "Running",
  customStatus: { state: "running" },
};

describe("DurableOrchestrationClient", () => {
  it("maps a status and returns undefined for an unknown instance (the v3 client throws on 404)", async () => {
    const { client } = stub(new Map([["a1", running]]));
    const port = new DurableOrchestrationClient(client);
    expect(await port.getStatus("a1")).toEqual({
      instanceId: "a1",
      name: "canaryAnalysis",
      runtimeStatus: "Running",
      input: { application: "checkout" },
      customStatus: { state: "running" },
      createdTime: "2026-01-01T00:00:00.000Z",
      lastUpdatedTime: "2026-01-01T00:05:00.000Z",
    });
    expect(await port.getStatus("nope")).toBeUndefined();
  });

  it("starts with the given id only when the instance does not exist yet", async () => {
    const { client, calls } = stub(new Map([["a1", running]]));
    const port = new DurableOrchestrationClient(client);
    await port.start("canaryAnalysis", "a1", { x: 1 });
    await port.start("canaryAnalysis", "a2", { x: 2 });
    expect(calls.filter((c) => c[0] === "startNew")).toEqual([
      ["startNew", "canaryAnalysis", { instanceId: "a2", input: { x: 2 } }],
    ]);
  });

  it("passes events, an encoded termination reason and purges through", async () => {
    const { client, calls } = stub(new Map());
    const port = new DurableOrchestrationClient(client);
    await port.raiseEvent("a1", "decision", { action: "approve" });
    await port.terminate("a1", "canceled by pipeline & user");
    await port.purge("a1");
    expect(calls).toEqual([
      ["raiseEvent", "a1", "decision", { action: "approve" }],
      ["terminate", "a1", "canceled%20by%20pipeline%20%26%20user"],
      ["purge", "a1"],
    ]);
  });

  it("wraps other failures in DurableClientError with the cause", async () => {
    const { client } = stub(new Map([["b", { broken: true }]]));
    const error = await new DurableOrchestrationClient(client).getStatus("b").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DurableClientError);
    expect((error as Error).message).toBe("Could not read the status of b: DurableClient error: HTTP 500");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
