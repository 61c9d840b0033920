// AES-256-GCM sealing of the Azure DevOps AuthToken: round trip, no plain text, tamper and wrong-key detection.
import { describe, expect, it } from "vitest";
import { SecretBox, SecretKeyError, secretKeyFrom } from "../../src/notify/secret-box";

describe("SecretBox", () => {
  const box = SecretBox.fromSetting("ab".repeat(32));

  it("round-trips and never holds the plain text", () => {
    const sealed = box.seal("ado-job-token-secret", "azure-devops:01J");
    expect(JSON.stringify(sealed)).not.toContain("ado-job-token-secret");
    expect(box.open(sealed, "azure-devops:01J")).toBe("ado-job-token-secret");
  });

  it("uses a fresh IV every time", () => {
    expect(box.seal("x").iv).not.toBe(box.seal("x").iv);
  });

  it("refuses another analysis id, tampered data and another key", () => {
    const sealed = box.seal("token", "azure-devops:A");
    expect(() => box.open(sealed, "azure-devops:B")).toThrow(SecretKeyError);
    const data = Buffer.from(sealed.data, "base64");
    data[0] = data[0]! ^ 1;
    expect(() => box.open({ ...sealed, data: data.toString("base64") }, "azure-devops:A")).toThrow(
      SecretKeyError,
    );
    expect(() => SecretBox.fromSetting("cd".repeat(32)).open(sealed, "azure-devops:A")).toThrow(
      /wrong key or tampered/,
    );
  });

  it("takes 64 hex characters as the raw key and refuses an empty setting", () => {
    expect(secretKeyFrom("ab".repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(() => secretKeyFrom(" ")).toThrow(/COALMINE_SECRET_KEY is not set/);
  });
});
