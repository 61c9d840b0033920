// ArtifactStore on Azure Blob: one block blob per path in the configured container; uploads replace (idempotent).
import { assertArtifactPath, JsonArtifactStore } from "./json-artifact-store";
import {
  ConflictError,
  isNotFound,
  PreconditionFailedError,
  StoreError,
  storeCall,
  translateStoreError,
} from "./errors";
import type { WriteOptions } from "../analysis/ports/store";
import type { StorageClients } from "./storage-clients";

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

export class BlobArtifactStore extends JsonArtifactStore {
  constructor(private readonly clients: StorageClients) {
    super();
  }

  async putText(path: string, text: string, contentType: string, options?: WriteOptions): Promise<void> {
    assertArtifactPath(path);
    const container = await this.clients.container();
    const body = Buffer.from(text, "utf8");
    try {
      await storeCall(`writing artifact ${path}`, () =>
        container.getBlockBlobClient(path).upload(body, body.length, {
          blobHTTPHeaders: { blobContentType: contentType },
          // The service decides: exactly one create-only writer of a path succeeds, the others get 409/412.
          ...(options?.createOnly ? { conditions: { ifNoneMatch: "*" } } : {}),
        }),
      );
    } catch (error) {
      if (options?.createOnly && error instanceof ConflictError)
        throw new PreconditionFailedError(`artifact ${path} already exists`, { cause: error });
      throw error;
    }
  }

  async getText(path: string): Promise<string | undefined> {
    assertArtifactPath(path);
    const container = await this.clients.container();
    try {
      const buffer = await container.getBlockBlobClient(path).downloadToBuffer();
      return buffer.toString("utf8");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateStoreError(error, `reading artifact ${path}`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const container = await this.clients.container();
    return storeCall(`listing artifacts under ${prefix}`, async () => {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
      return names.sort();
    });
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === "") throw new StoreError("refusing to delete every artifact: the prefix is empty");
    const container = await this.clients.container();
    const names = await this.list(prefix);
    let deleted = 0;
    await inBatches(names, 16, async (name) => {
      const result = await storeCall(`deleting artifact ${name}`, () =>
        container.getBlockBlobClient(name).deleteIfExists(),
      );
      if (result.succeeded) deleted += 1;
    });
    return deleted;
  }
}
