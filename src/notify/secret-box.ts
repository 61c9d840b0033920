// AES-256-GCM sealing of secrets kept at rest (the Azure DevOps AuthToken), keyed by COALMINE_SECRET_KEY; tokens
// sealed before a rotation open with COALMINE_SECRET_KEY_PREVIOUS (docs/security.md "The secret key").
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** A sealed secret: base64 fields, safe to store and log. `kid` names the key that sealed it (absent in old ones). */
export interface SealedSecret {
  alg: "A256GCM";
  kid?: string;
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

export const SECRET_KEY_SETTING = "COALMINE_SECRET_KEY";
export const PREVIOUS_SECRET_KEY_SETTING = "COALMINE_SECRET_KEY_PREVIOUS";

const HOW = "use 32 random bytes as 64 hex characters or base64, e.g. `openssl rand -base64 32`";

/**
 * The 32-byte key a setting holds: 64 hex characters, or base64 (or base64url) of exactly 32 bytes.
 * Anything else is refused, in particular an unresolved Key Vault reference, which App Service leaves as the
 * literal `@Microsoft.KeyVault(...)` text until the app's identity can read the secret.
 */
export function secretKeyFrom(setting: string | undefined, name = SECRET_KEY_SETTING): Buffer {
  const text = setting?.trim();
  if (!text) throw new SecretKeyError(`${name} is not set`);
  if (/^@Microsoft\.KeyVault\(/i.test(text))
    throw new SecretKeyError(
      `${name} is an unresolved Key Vault reference: grant the app's identity 'get' on the secret (Key Vault Secrets User) and check the reference; the app refuses to use the reference text as a key`,
    );
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === 32) return key;
  }
  throw new SecretKeyError(`${name} is not a 256-bit key: ${HOW}`);
}

/** A short public id of a key (never the key), stored beside sealed data to pick the key that opens it. */
const keyId = (key: Buffer): string => createHash("sha256").update(key).digest("base64url").slice(0, 8);

export class SecretBox {
  private readonly key: Buffer;
  private readonly kid: string;
  private readonly previous: Buffer[];
  constructor(key: Buffer, previous: Buffer[] = []) {
    if (key.length !== 32 || previous.some((k) => k.length !== 32))
      throw new SecretKeyError("the secret key must be 32 bytes");
    this.key = key;
    this.kid = keyId(key);
    this.previous = previous;
  }

  /** From COALMINE_SECRET_KEY (and COALMINE_SECRET_KEY_PREVIOUS when set); throws SecretKeyError naming the setting. */
  static fromSetting(setting: string | undefined, previous?: string): SecretBox {
    const prior = previous?.trim() ? [secretKeyFrom(previous, PREVIOUS_SECRET_KEY_SETTING)] : [];
    return new SecretBox(secretKeyFrom(setting), prior);
  }

  /** `aad` binds the secret to its owner (e.g. the analysis id) so it cannot be moved to another record. */
  seal(plain: string, aad = ""): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return {
      alg: "A256GCM",
      kid: this.kid,
      iv: iv.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      data: data.toString("base64"),
    };
  }

  /** Opens with the current key, else with the previous one (a token sealed before the rotation). */
  open(sealed: SealedSecret, aad = ""): string {
    const keys = [this.key, ...this.previous];
    const ordered = sealed.kid ? [...keys.filter((k) => keyId(k) === sealed.kid), ...keys] : keys;
    let last: unknown;
    for (const key of new Set(ordered)) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
        decipher.setAAD(Buffer.from(aad, "utf8"));
        decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
        return Buffer.concat([
          decipher.update(Buffer.from(sealed.data, "base64")),
          decipher.final(),
        ]).toString("utf8");
      } catch (err) {
        last = err;
      }
    }
    throw new SecretKeyError(
      `cannot open the sealed secret with ${SECRET_KEY_SETTING}${this.previous.length ? ` or ${PREVIOUS_SECRET_KEY_SETTING}` : ""} (wrong key or tampered data)`,
      { cause: last },
    );
  }
}
