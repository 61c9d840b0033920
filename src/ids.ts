// Analysis ids (the one generator for HTTP and the local app): ULIDs (48-bit millisecond time + 80 random bits, Crockford base32), so ids sort by creation time.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID (https://github.com/ulid/spec): 10 time characters then 16 random ones. */
export function newUlid(nowMs: number = Date.now(), random: (n: number) => Uint8Array = randomBytes): string {
  let time = "";
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    time = (ALPHABET[t % 32] ?? "0") + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(10);
  let bits = 0;
  let value = 0;
  let rand = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      rand += ALPHABET[(value >>> (bits - 5)) & 31] ?? "0";
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return time + rand;
}
