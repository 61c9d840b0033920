// In-memory ArtifactStore for unit tests and the local runtime: same contract as BlobArtifactStore.
import type { ArtifactStore } from "./ports";
import { StoreError } from "./errors";
import { assertArtifactPath } from "./blob-artifact-store";

export class MemoryArtifactStore implements ArtifactStore {
  private readonly blobs = new Map<string, { text: string; contentType: string }>();

  async putJson(path: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new StoreError(`artifact ${path}: the value is not JSON-serialisable`);
    await this.putText(path, text, "application/json; charset=utf-8");
  }

  async getJson<T = unknown>(path: string): Promise<T | undefined> {
    const text = await this.getText(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StoreError(`artifact ${path} is not valid JSON`, { cause: error });
    }
  }

  async putText(path: string, text: string, contentType: string): Promise<void> {
    assertArtifactPath(path);
    this.blobs.set(path, { text, contentType });
  }

  async getText(path: string): Promise<string | undefined> {
    assertArtifactPath(path);
    return this.blobs.get(path)?.text;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.blobs.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === "") throw new StoreError("refusing to delete every artifact: the prefix is empty");
    const names = await this.list(prefix);
    for (const name of names) this.blobs.delete(name);
    return names.length;
  }

  /** Content type a path was written with (tests). */
  contentTypeOf(path: string): string | undefined {
    return this.blobs.get(path)?.contentType;
  }
}
