// In-memory ArtifactStore for unit tests and the local runtime: same contract as BlobArtifactStore.
import { StoreError } from "./errors";
import { assertArtifactPath, JsonArtifactStore } from "./json-artifact-store";

export class MemoryArtifactStore extends JsonArtifactStore {
  private readonly blobs = new Map<string, { text: string; contentType: string }>();

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
