// Where the local runtime keeps each unfinished instance between episodes, so `coalmine serve` resumes them after
// a restart (docs/adr/0008-restart-safe-serve.md): one small JSON document per instance in the configured storage.
import type { RuntimeStatus } from "../analysis/orchestration-client";

/** What is needed to run an unfinished instance's current execution again. */
export interface InstanceSnapshot {
  version: 1;
  instanceId: string;
  name: string;
  /** The current execution's input (the orchestrator continues as new after each judgement: it is small). */
  input: unknown;
  /** 0-based; increases with each continueAsNew. */
  execution: number;
  /** When the current execution started: its first episode replays at this time again. */
  executionStartedAt: string;
  createdTime: string;
  lastUpdatedTime: string;
  status: RuntimeStatus;
  customStatus: unknown;
  /** External events raised during the current execution, in order (delivered again on resume). */
  events: { name: string; data: unknown; at: string }[];
}

export interface InstanceStore {
  save(snapshot: InstanceSnapshot): Promise<void>;
  remove(instanceId: string): Promise<void>;
  list(): Promise<InstanceSnapshot[]>;
}

/** The part of an ArtifactStore the instance store needs. */
interface JsonStore {
  putJson(path: string, value: unknown): Promise<void>;
  getJson<T = unknown>(path: string): Promise<T | undefined>;
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): Promise<string[]>;
}

const PREFIX = "runtime/instances/";

/** Instances as blobs `runtime/instances/{id}.json` of the artifact store (Blob storage, or memory). */
export class ArtifactInstanceStore implements InstanceStore {
  constructor(private readonly artifacts: JsonStore) {}

  private path(id: string): string {
    return `${PREFIX}${encodeURIComponent(id)}.json`;
  }

  save(snapshot: InstanceSnapshot): Promise<void> {
    return this.artifacts.putJson(this.path(snapshot.instanceId), snapshot);
  }

  async remove(instanceId: string): Promise<void> {
    await this.artifacts.deletePrefix(this.path(instanceId));
  }

  async list(): Promise<InstanceSnapshot[]> {
    const out: InstanceSnapshot[] = [];
    for (const path of await this.artifacts.list(PREFIX)) {
      const s = await this.artifacts.getJson<InstanceSnapshot>(path);
      if (s && s.version === 1 && typeof s.instanceId === "string") out.push(s);
    }
    return out;
  }
}
