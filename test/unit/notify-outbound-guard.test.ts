// The outbound guard: https only, no private/loopback/link-local targets unless allowlisted; Azure DevOps hosts for PlanUrl.
import { describe, expect, it } from "vitest";
import {
  AZURE_DEVOPS_HOSTS,
  OutboundBlockedError,
  OutboundGuard,
  isNonPublicAddress,
} from "../../src/notify/outbound-guard";

const publicDns = async () => ["140.82.112.3"];

describe("isNonPublicAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["fe80::1", true],
    ["fd00::1", true],
    ["::ffff:127.0.0.1", true],
    ["8.8.8.8", false],
    ["2606:4700:4700::1111", false],
  ])("%s → %s", (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected);
  });
});

describe("OutboundGuard", () => {
  it("accepts a public https URL whose host resolves to public addresses", async () => {
    const guard = new OutboundGuard({ resolve: publicDns });
    await expect(guard.check("https://hooks.example.com/x")).resolves.toHaveProperty("url");
  });

  it.each([
    ["http://hooks.example.com/x", /only https/],
    ["https://127.0.0.1/x", /private, loopback/],
    ["https://[::1]/x", /private, loopback/],
    ["https://169.254.169.254/latest/meta-data", /private, loopback/],
    ["https://localhost/x", /local host names/],
    ["https://user:pw@hooks.example.com/", /credentials/],
    ["not a url", /not a URL/],
  ])("refuses %s", async (url, message) => {
    const guard = new OutboundGuard({ resolve: publicDns });
    await expect(guard.check(url)).rejects.toThrow(message);
  });

  it("refuses a public name that resolves to a private address (checked after DNS)", async () => {
    const guard = new OutboundGuard({ resolve: async () => ["93.184.216.34", "10.0.0.5"] });
    const err = await guard.check("https://rebind.example.com/").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundBlockedError);
    expect((err as Error).message).toMatch(/resolves to a non-public address \(10\.0\.0\.5\)/);
  });

  it("lets an allowlisted origin through, even http and loopback, and nothing else on that host", async () => {
    const guard = new OutboundGuard({
      allowlist: "http://127.0.0.1:8080, https://x.test",
      resolve: publicDns,
    });
    await expect(guard.check("http://127.0.0.1:8080/hook")).resolves.toHaveProperty("url");
    await expect(guard.check("http://127.0.0.1:8081/hook")).rejects.toThrow(OutboundBlockedError);
  });

  it("limits a PlanUrl to Azure DevOps hosts unless allowlisted", async () => {
    const guard = new OutboundGuard({ allowlist: "http://127.0.0.1:9000", resolve: publicDns }).withHosts(
      AZURE_DEVOPS_HOSTS,
    );
    await expect(guard.check("https://dev.azure.com/org/")).resolves.toHaveProperty("url");
    await expect(guard.check("https://contoso.visualstudio.com/")).resolves.toHaveProperty("url");
    await expect(guard.check("https://evil.example.com/org/")).rejects.toThrow(
      /not one of the allowed hosts/,
    );
    await expect(guard.check("https://dev.azure.com.evil.example/org/")).rejects.toThrow(
      /not one of the allowed hosts/,
    );
    await expect(guard.check("http://127.0.0.1:9000/org/")).resolves.toHaveProperty("url");
  });

  it("rejects a malformed allowlist entry by name", () => {
    expect(() => new OutboundGuard({ allowlist: "127.0.0.1:80" })).toThrow(
      /'127\.0\.0\.1:80' is not an origin/,
    );
  });
});
