// AES-256-GCM sealing of secrets kept at rest (the Azure DevOps AuthToken), keyed by COALMINE_SECRET_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** A sealed secret: base64 fields, safe to store and log. */
export interface SealedSecret {
  alg: "A256GCM";
  iv: string;
  tag: string;
  data: string;
}

export class SecretKeyError extends Error {
  override readonly name = "SecretKeyError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The 32-byte key from the setting: 64 hex characters or base64 of 32 bytes are used as is;
 * any other text (a passphrase) is hashed with SHA-256.
 */
export function secretKeyFrom(setting: string | undefined): Buffer {
  const text = setting?.trim();
  if (!text) throw new SecretKeyError("COALMINE_SECRET_KEY is not set");
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  const b64 = /^[A-Za-z0-9+/]{43}=?$/.test(text) ? Buffer.from(text, "base64") : undefined;
  if (b64?.length === 32) return b64;
  return createHash("sha256").update(text, "utf8").digest();
}

export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError("the secret key must be 32 bytes");
    this.key = key;
  }

  static fromSetting(setting: string | undefined): SecretBox {
    return new SecretBox(secretKeyFrom(setting));
  }

  /** `aad` binds the secret to its owner (e.g. the analysis id) so it cannot be moved to another record. */
  seal(plain: string, aad = ""): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return {
      alg: "A256GCM",
      iv: iv.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      data: data.toString("base64"),
    };
  }

  open(sealed: SealedSecret, aad = ""): string {
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(sealed.iv, "base64"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString(
        "utf8",
      );
    } catch (err) {
      throw new SecretKeyError("cannot open the sealed secret (wrong key or tampered data)", { cause: err });
    }
  }
}
