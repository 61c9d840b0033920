// In-memory ArtifactStore for unit tests and the local runtime: same contract as BlobArtifactStore.
import { PreconditionFailedError, StoreError } from "./errors";
import type { WriteOptions } from "../analysis/ports/store";
import { assertArtifactPath, JsonArtifactStore } from "./json-artifact-store";

export class MemoryArtifactStore extends JsonArtifactStore {
  private readonly blobs = new Map<string, { text: string; contentType: string }>();

  async putText(path: string, text: string, contentType: string, options?: WriteOptions): Promise<void> {
    assertArtifactPath(path);
    // Check and set with no await between them: atomic in one process.
    if (options?.createOnly && this.blobs.has(path))
      throw new PreconditionFailedError(`artifact ${path} already exists`);
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
