import { describe, expect, it } from "vitest";
import { newUlid } from "../../src/ids";

describe("newUlid", () => {
  it("encodes the time in 10 Crockford characters and 80 random bits in 16", () => {
    // ULID spec example time: 1469918176385 ms → 01ARYZ6S41
    const id = newUlid(1469918176385, (n) => new Uint8Array(n));
    expect(id).toBe("01ARYZ6S410000000000000000");
    expect(newUlid(1469918176385, (n) => new Uint8Array(n).fill(255))).toBe("01ARYZ6S41ZZZZZZZZZZZZZZZZ");
  });
  it("sorts by creation time", () => {
    const a = newUlid(1_700_000_000_000);
    const b = newUlid(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
