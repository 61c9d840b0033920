// Which URLs notifications may reach: public https only, unless COALMINE_OUTBOUND_ALLOWLIST names the origin (SSRF guard).
// Addresses are classified with ipaddr.js; IPv6 forms that embed an IPv4 address are judged by that address
// (docs/security.md "Outbound requests").
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

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

const v4FromBytes = (b: number[]): ipaddr.IPv4 => new ipaddr.IPv4(b.slice(0, 4));

/**
 * The IPv4 addresses an IPv6 address carries: IPv4-mapped and -translated (::ffff:0:0/96, ::ffff:0:0:0/96),
 * IPv4-compatible (::/96), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32,
 * server and client).
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const b = address.toByteArray();
  const p = address.parts;
  const zeros = (n: number) => p.slice(0, n).every((x) => x === 0);
  const out: ipaddr.IPv4[] = [];
  if (zeros(5) && (p[5] === 0xffff || p[5] === 0)) out.push(v4FromBytes(b.slice(12))); // mapped, compatible
  if (zeros(4) && p[4] === 0xffff && p[5] === 0) out.push(v4FromBytes(b.slice(12))); // SIIT (RFC 6145)
  if (p[0] === 0x64 && p[1] === 0xff9b) out.push(v4FromBytes(b.slice(12))); // NAT64 (RFC 6052, 8215)
  if (p[0] === 0x2002) out.push(v4FromBytes(b.slice(2, 6))); // 6to4 (RFC 3056)
  if (p[0] === 0x2001 && p[1] === 0) {
    // Teredo (RFC 4380): the server at bits 32-63, the client's address inverted in the last 32 bits.
    out.push(v4FromBytes(b.slice(4, 8)));
    out.push(v4FromBytes(b.slice(12).map((x) => x ^ 0xff)));
  }
  return out;
}

/** Ranges an IPv6 address may be in and still be reached (when what it embeds is public). */
const V6_TRANSITION = new Set(["ipv4Mapped", "rfc6145", "rfc6052", "6to4", "teredo"]);

/**
 * Whether an address must not be reached: anything but global unicast (loopback, private, link-local, CGNAT,
 * unspecified, multicast, broadcast, reserved, documentation, benchmarking…), v4 and v6, an IPv6 address that
 * embeds such an IPv4 address, the IPv4-compatible and local-use NAT64 forms, and anything that is not an address.
 */
export function isNonPublicAddress(address: string): boolean {
  const text = address.trim().replace(/^\[|\]$/g, "");
  // IPv6 zone ids (fe80::1%eth0) are link-local anyway; only canonical forms are addresses here (a URL's host
  // has already been canonicalised by the URL parser, and resolvers answer canonical forms).
  if (text.includes("%") || isIP(text) === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // A trailing dotted quad in IPv6 becomes two hex groups first (ipaddr.js would read `::a.b.c.d` as mapped).
    const v6 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
    const hex = (a: string, b: string) => ((Number(a) << 8) | Number(b)).toString(16);
    parsed = ipaddr.parse(v6 ? `${v6[1]}${hex(v6[2]!, v6[3]!)}:${hex(v6[4]!, v6[5]!)}` : text);
  } catch {
    return true; // not an address we understand: refuse
  }
  if (parsed.kind() === "ipv4") return parsed.range() !== "unicast";
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded.some((v4) => v4.range() !== "unicast")) return true;
  const p = v6.parts;
  // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1) and local-use NAT64 (RFC 8215): never public.
  if (p.slice(0, 6).every((x) => x === 0)) return true;
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) return true;
  const range = v6.range();
  return !(range === "unicast" || (V6_TRANSITION.has(range) && embedded.length > 0));
}

export type Resolver = (hostname: string) => Promise<string[]>;
const dnsResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((r) => r.address);

export interface OutboundGuardOptions {
  /** `COALMINE_OUTBOUND_ALLOWLIST`. */
  allowlist?: string;
  /** Hostname rules a URL must also satisfy (e.g. Azure DevOps hosts for a PlanUrl); allowlisted origins bypass them. */
  hostPatterns?: RegExp[];
  resolve?: Resolver;
}

/** Azure DevOps hosts a PlanUrl may name by default. */
export const AZURE_DEVOPS_HOSTS = [/^dev\.azure\.com$/i, /^[a-z0-9-]+\.visualstudio\.com$/i];

/** What a connection may go to: the addresses checked for one host name, in resolver order. */
export interface CheckedTarget {
  url: URL;
  /** The addresses the connection may use (checked), or undefined for an allowlisted origin (any address). */
  addresses?: string[];
}

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

  isAllowlisted(url: URL): boolean {
    return this.allow.has(url.origin);
  }

  /** Checks that need no network: scheme, host rules, literal addresses. Throws OutboundBlockedError. */
  checkSyntax(target: string): URL {
    let url: URL;
    try {
      url = new URL(target);
    } catch (err) {
      throw new OutboundBlockedError(`'${String(target).slice(0, 200)}' is not a URL`, { cause: err });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new OutboundBlockedError(
        `${url.protocol} URLs are refused: only https (or an allowlisted origin)`,
      );
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
    // The URL parser has already turned decimal, hex and octal IPv4 forms into dotted quads.
    if (isIP(host) && isNonPublicAddress(host)) {
      throw new OutboundBlockedError(`${url.origin}: private, loopback and link-local addresses are refused`);
    }
    if (/^localhost$|\.localhost$|\.local$|\.internal$|\.home\.arpa$/i.test(host.replace(/\.$/, ""))) {
      throw new OutboundBlockedError(`${url.origin}: local host names are refused`);
    }
    return url;
  }

  /**
   * Full check before a connection: the above, then every resolved address must be public. The addresses
   * returned are the ones the connection must use (see `lookupFor`), so a second DNS answer cannot differ.
   */
  async check(target: string): Promise<CheckedTarget> {
    const url = this.checkSyntax(target);
    if (this.allow.has(url.origin)) return { url };
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) return { url, addresses: [host] };
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
    return { url, addresses };
  }
}

export type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:net that answers only with the checked addresses (DNS rebinding cannot move the
 * connection elsewhere); without `addresses` (an allowlisted origin) it resolves normally.
 */
export function pinnedLookup(addresses: string[] | undefined) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    const all = typeof options === "object" && options?.all === true;
    const answer = (list: string[]): void => {
      const entries = list.map((address) => ({ address, family: isIP(address) }));
      if (all) callback(null, entries);
      else callback(null, entries[0]!.address, entries[0]!.family);
    };
    if (addresses) {
      answer(addresses);
      return;
    }
    dnsResolver(hostname).then(
      (list) =>
        list.length
          ? answer(list)
          : callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), ""),
      (err: NodeJS.ErrnoException) => callback(err, ""),
    );
  };
}
