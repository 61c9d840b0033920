// Probes of the outbound guard: every IPv4-embedding IPv6 form, numeric IPv4 spellings, redirects of every kind on
// every outbound path (webhook, traffic hook, Azure DevOps feed and TaskCompleted, GitHub status), and DNS rebinding.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AzureDevOpsNotifier } from "../../src/notify/azure-devops-notifier";
import { GithubStatusNotifier } from "../../src/notify/github-status-notifier";
import {
  OutboundBlockedError,
  OutboundGuard,
  isNonPublicAddress,
  type Resolver,
} from "../../src/notify/outbound-guard";
import { DeliveryError, postWithRetry } from "../../src/notify/outbound-post";
import { HttpTrafficHook } from "../../src/notify/traffic-hook";
import { WebhookNotifier } from "../../src/notify/webhook-notifier";
import type { AnalysisEvent } from "../../src/analysis/ports/notifier";

describe("addresses: every form that embeds a non-public IPv4 is refused", () => {
  const refused = [
    // IPv4-mapped, as typed and as the URL parser rewrites it
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "::ffff:10.0.0.1",
    "::ffff:192.168.1.1",
    // SIIT / IPv4-translated (RFC 6145)
    "::ffff:0:7f00:1",
    // IPv4-compatible (deprecated)
    "::127.0.0.1",
    "::7f00:1",
    "::a9fe:a9fe",
    "::8.8.8.8",
    // 6to4 around loopback, private and metadata addresses
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:a9fe:a9fe::",
    // NAT64 well-known and local-use prefixes
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::10.0.0.1",
    "64:ff9b:1::8.8.8.8",
    // Teredo whose client (inverted) or server is private
    "2001:0:4136:e378:8000:63bf:80ff:fffe", // client 127.0.0.1
    "2001:0:a00:1::1", // server 10.0.0.1
    // plain v6 and v4 non-public
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "127.0.0.1",
    "127.1.2.3",
    "0.0.0.0",
    "10.1.2.3",
    "100.64.0.1",
    "169.254.169.254",
    "172.16.0.1",
    "192.168.0.1",
    "192.0.0.8",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    // not an address
    "localhost",
    "",
    "1.2.3",
  ];
  it.each(refused)("%s is not public", (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  const allowed = [
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::",
    "64:ff9b::808:808",
  ];
  it.each(allowed)("%s is public", (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

describe("URLs: bracketed IPv6 forms and decimal, hex and octal IPv4 spellings", () => {
  const guard = new OutboundGuard({ resolve: async () => ["8.8.8.8"] });
  const refused = [
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:7f00:1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::127.0.0.1]/hook",
    "https://[2002:7f00:1::]/hook",
    "https://[64:ff9b::7f00:1]/hook",
    "https://[::1]/hook",
    "https://2130706433/hook", // decimal 127.0.0.1
    "https://0x7f000001/hook", // hex
    "https://0x7f.1/hook",
    "https://017700000001/hook", // octal
    "https://0177.0.0.1/hook",
    "https://127.1/hook",
    "https://0/hook",
    "https://2852039166/latest/meta-data", // 169.254.169.254
    "https://0xa9.0xfe.0xa9.0xfe/",
    "https://localhost/hook",
    "https://metadata.internal/",
    "https://printer.local/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "gopher://example.com/x",
    "http://example.com/hook", // plain http to a non-allowlisted origin
    "https://user:pass@example.com/hook",
  ];
  it.each(refused)("%s is refused", async (url) => {
    expect(() => guard.checkSyntax(url)).toThrow(OutboundBlockedError);
    await expect(guard.check(url)).rejects.toThrow(OutboundBlockedError);
  });

  it("refuses a name that resolves to any non-public address (mapped forms included)", async () => {
    for (const answer of [
      ["127.0.0.1"],
      ["8.8.8.8", "10.0.0.1"],
      ["::ffff:7f00:1"],
      ["64:ff9b::a9fe:a9fe"],
      [],
    ]) {
      const g = new OutboundGuard({ resolve: async () => answer });
      await expect(g.check("https://hooks.example.com/x")).rejects.toThrow(OutboundBlockedError);
    }
  });
});

// --- real servers: redirects and rebinding -----------------------------------------------------------------

interface Hit {
  path: string;
  method: string;
}

async function server(
  handler: (path: string, res: import("node:http").ServerResponse) => void,
): Promise<{ server: Server; origin: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const s = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push({ path: req.url ?? "", method: req.method ?? "" });
      handler(req.url ?? "", res);
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { server: s, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

const REDIRECTS = [301, 302, 303, 307, 308];

describe("redirects are never followed, on every outbound path", () => {
  let target: Awaited<ReturnType<typeof server>>;
  let redirector: Awaited<ReturnType<typeof server>>;
  let guard: OutboundGuard;

  beforeAll(async () => {
    target = await server((_p, res) => res.writeHead(200).end("{}"));
    redirector = await server((path, res) => {
      const status = Number(/\/r(\d{3})/.exec(path)?.[1] ?? 200);
      if (status === 200) return void res.writeHead(200).end("{}");
      res.writeHead(status, { location: `${target.origin}/stolen${path}` }).end();
    });
    // Only the redirecting origin is allowlisted; the target it points at is not.
    guard = new OutboundGuard({ allowlist: redirector.origin });
  });
  afterAll(async () => {
    await new Promise((r) => target.server.close(r));
    await new Promise((r) => redirector.server.close(r));
  });

  const status: AnalysisEvent["status"] = {
    id: "01JSSRF",
    application: "checkout",
    state: "passed",
    verdict: "pass",
    score: 100,
    judge: "j",
    judgements: [],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    reportUrl: "/api/analyses/01JSSRF/report",
  } as unknown as AnalysisEvent["status"];
  const completed: AnalysisEvent = { event: "completed", status, reportUrl: "/r" };
  const opts = { sleep: async () => {}, retry: { attempts: 2 } };

  it.each(REDIRECTS)("the raw POST refuses a %i", async (code) => {
    const err = await postWithRetry(
      { guard, ...opts },
      `${redirector.origin}/r${code}`,
      {},
      "{}",
      "probe",
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).message).toMatch(/redirect not followed/);
    expect((err as DeliveryError).permanent).toBe(true);
  });

  it.each(REDIRECTS)(
    "webhooks, traffic hooks, Azure DevOps and GitHub statuses refuse a %i",
    async (code) => {
      const before = target.hits.length;
      const url = `${redirector.origin}/r${code}`;
      await expect(
        new WebhookNotifier({ guard, env: {}, ...opts }).deliver({ url }, "01JSSRF", completed),
      ).rejects.toThrow(/redirect not followed/);
      await expect(
        new HttpTrafficHook({ guard, env: {}, ...opts }).setWeight({
          analysisId: "01JSSRF",
          application: "checkout",
          stage: { index: 0, name: "10%", trafficWeight: 10 },
          url,
        }),
      ).rejects.toThrow(/redirect not followed/);
      await expect(
        new AzureDevOpsNotifier({ guard, ...opts }).deliver(
          {
            planUrl: `${redirector.origin}/r${code}/`,
            projectId: "p",
            hubName: "build",
            planId: "plan",
            jobId: "job",
            timelineId: "tl",
            taskInstanceId: "task",
            authToken: "secret-token",
          },
          "01JSSRF",
          completed,
          "fail",
        ),
      ).rejects.toThrow(/redirect not followed/);
      await expect(
        new GithubStatusNotifier({
          guard,
          token: "t",
          apiBase: `${redirector.origin}/r${code}`,
          ...opts,
        }).deliver({ repository: "org/app", sha: "abcdef1" }, completed),
      ).rejects.toThrow(/redirect not followed/);
      expect(target.hits.length).toBe(before);
    },
  );

  it("delivers to the allowlisted origin itself (the probe can pass)", async () => {
    await expect(
      postWithRetry({ guard, ...opts }, `${redirector.origin}/ok`, {}, "{}", "probe"),
    ).resolves.toBe(200);
  });
});

describe("DNS rebinding: the connection goes to the address that was checked", () => {
  let local: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    local = await server((_p, res) => res.writeHead(200).end("{}"));
  });
  afterAll(async () => {
    await new Promise((r) => local.server.close(r));
  });

  it("a name answering public first and loopback afterwards never reaches loopback", async () => {
    let calls = 0;
    // First answer public, then loopback.
    const resolve: Resolver = async () => (++calls === 1 ? ["8.8.8.8"] : ["127.0.0.1"]);
    const port = new URL(local.origin).port;
    const guard = new OutboundGuard({ resolve });
    const err = await postWithRetry(
      { guard, sleep: async () => {}, retry: { attempts: 1, timeoutMs: 300 } },
      `https://rebind.example.com:${port}/hook`,
      {},
      "{}",
      "probe",
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(calls).toBe(1); // one resolution per attempt: the one that was checked
    expect(local.hits).toEqual([]);
  });

  it("a name answering loopback is refused before any connection", async () => {
    const guard = new OutboundGuard({ resolve: async () => ["127.0.0.1"] });
    const port = new URL(local.origin).port;
    await expect(
      postWithRetry(
        { guard, sleep: async () => {}, retry: { attempts: 3 } },
        `https://rebind.example.com:${port}/hook`,
        {},
        "{}",
        "probe",
      ),
    ).rejects.toThrow(OutboundBlockedError);
    expect(local.hits).toEqual([]);
  });

  it("every retry is checked again: a later loopback answer stops the retries", async () => {
    let calls = 0;
    const resolve: Resolver = async () => (++calls === 1 ? ["8.8.8.8"] : ["::ffff:7f00:1"]);
    const port = new URL(local.origin).port;
    const guard = new OutboundGuard({ resolve });
    await expect(
      postWithRetry(
        { guard, sleep: async () => {}, retry: { attempts: 3, timeoutMs: 300 } },
        `https://rebind.example.com:${port}/hook`,
        {},
        "{}",
        "probe",
      ),
    ).rejects.toThrow(OutboundBlockedError);
    expect(calls).toBe(2);
    expect(local.hits).toEqual([]);
  });
});
