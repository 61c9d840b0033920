// The ArtifactStore base: JSON on top of text and the path rule, shared by the Blob adapter and the memory fake.
import { StoreError } from "./errors";
import type { ArtifactStore, WriteOptions } from "../analysis/ports/store";

export const JSON_TYPE = "application/json; charset=utf-8";

/** Relative blob path: no leading `/`, no empty, `.` or `..` segments. */
export function assertArtifactPath(path: string): void {
  const segments = path.split("/");
  const bad =
    path === "" || segments.some((s, i) => (s === "" && i < segments.length - 1) || s === "." || s === "..");
  if (bad || path.length > 1024)
    throw new StoreError(`artifact path ${JSON.stringify(path)} is not a relative blob path`);
}

/** Adapters implement text storage; JSON (de)serialisation and its errors live here once. */
export abstract class JsonArtifactStore implements ArtifactStore {
  abstract putText(path: string, text: string, contentType: string, options?: WriteOptions): Promise<void>;
  abstract getText(path: string): Promise<string | undefined>;
  abstract deletePrefix(prefix: string): Promise<number>;
  abstract list(prefix: string): Promise<string[]>;

  async putJson(path: string, value: unknown, options?: WriteOptions): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new StoreError(`artifact ${path}: the value is not JSON-serialisable`);
    await this.putText(path, text, JSON_TYPE, options);
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
}
