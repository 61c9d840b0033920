// Which URLs notifications may reach: public https only, unless COALMINE_OUTBOUND_ALLOWLIST names the origin (SSRF guard).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export class OutboundBlockedError extends Error {
  override readonly name = "OutboundBlockedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Origins from `COALMINE_OUTBOUND_ALLOWLIST` (comma-separated), normalised by URL. */
export function parseAllowlist(setting: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const item of (setting ?? "").split(",")) {
    const text = item.trim();
    if (!text) continue;
    try {
      out.add(new URL(text).origin);
    } catch {
      throw new OutboundBlockedError(
        `COALMINE_OUTBOUND_ALLOWLIST: '${text}' is not an origin such as https://host:port`,
      );
    }
  }
  return out;
}

function ipv4Parts(address: string): number[] | undefined {
  const parts = address.split(".").map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)
    ? parts
    : undefined;
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges (RFC 6890), v4 and v6. */
export function isNonPublicAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  const v4 = ipv4Parts(mapped?.[1] ?? a);
  if (v4) {
    const [x, y] = v4 as [number, number, number, number];
    return (
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 192 && y === 0) ||
      (x === 198 && (y === 18 || y === 19)) ||
      x >= 224
    );
  }
  if (isIP(a) !== 6) return true; // not an address we understand: refuse
  if (a === "::" || a === "::1") return true;
  const first = parseInt(a.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 || // multicast
    a.startsWith("64:ff9b:") || // NAT64 can reach private v4
    a.startsWith("2001:db8:")
  );
}

export type Resolver = (hostname: string) => Promise<string[]>;
const dnsResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true })).map((r) => r.address);

export interface OutboundGuardOptions {
  /** `COALMINE_OUTBOUND_ALLOWLIST`. */
  allowlist?: string;
  /** Hostname rules a URL must also satisfy (e.g. Azure DevOps hosts for a PlanUrl); allowlisted origins bypass them. */
  hostPatterns?: RegExp[];
  resolve?: Resolver;
}

/** Azure DevOps hosts a PlanUrl may name by default. */
export const AZURE_DEVOPS_HOSTS = [/^dev\.azure\.com$/i, /^[a-z0-9-]+\.visualstudio\.com$/i];

export class OutboundGuard {
  private readonly allow: Set<string>;
  private readonly resolve: Resolver;
  constructor(private readonly options: OutboundGuardOptions = {}) {
    this.allow = parseAllowlist(options.allowlist);
    this.resolve = options.resolve ?? dnsResolver;
  }

  /** Same allowlist, other host rules (e.g. the Azure DevOps guard). */
  withHosts(hostPatterns: RegExp[]): OutboundGuard {
    return new OutboundGuard({ ...this.options, hostPatterns });
  }

  /** Checks that need no network: scheme, host rules, literal addresses. Throws OutboundBlockedError. */
  checkSyntax(target: string): URL {
    let url: URL;
    try {
      url = new URL(target);
    } catch (err) {
      throw new OutboundBlockedError(`'${target}' is not a URL`, { cause: err });
    }
    if (url.username || url.password)
      throw new OutboundBlockedError(`${url.origin}: credentials in URLs are refused`);
    if (this.allow.has(url.origin)) return url;
    if (url.protocol !== "https:") {
      throw new OutboundBlockedError(
        `${url.origin}: only https targets are allowed (or list the origin in COALMINE_OUTBOUND_ALLOWLIST)`,
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const patterns = this.options.hostPatterns;
    if (patterns && !patterns.some((p) => p.test(host))) {
      throw new OutboundBlockedError(
        `${url.origin}: host is not one of the allowed hosts (or list the origin in COALMINE_OUTBOUND_ALLOWLIST)`,
      );
    }
    if (isIP(host) && isNonPublicAddress(host)) {
      throw new OutboundBlockedError(`${url.origin}: private, loopback and link-local addresses are refused`);
    }
    if (/^localhost$|\.localhost$|\.local$|\.internal$/i.test(host)) {
      throw new OutboundBlockedError(`${url.origin}: local host names are refused`);
    }
    return url;
  }

  /** Full check before a request: the above, then every resolved address must be public. */
  async check(target: string): Promise<URL> {
    const url = this.checkSyntax(target);
    if (this.allow.has(url.origin)) return url;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) return url;
    let addresses: string[];
    try {
      addresses = await this.resolve(host);
    } catch (err) {
      throw new OutboundBlockedError(`${url.origin}: cannot resolve ${host}`, { cause: err });
    }
    const bad = addresses.find(isNonPublicAddress);
    if (addresses.length === 0 || bad !== undefined) {
      throw new OutboundBlockedError(
        `${url.origin}: ${host} resolves to a non-public address (${bad ?? "none"})`,
      );
    }
    return url;
  }
}
