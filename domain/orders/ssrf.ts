import ipaddr from 'ipaddr.js';

/**
 * SSRF guard rules (pure): outbound webhooks and storefront callbacks may only reach public unicast addresses.
 * Classification is ipaddr.js's range table (IANA special-purpose registries, RFC 6890 and updates) rather than
 * hand-written regexes: an address is allowed only when its range is plain `unicast`. IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`, which URL parsing turns into `::ffff:7f00:1`) is unwrapped to its IPv4 address first.
 * A few unicast blocks that still reach something internal are refused explicitly.
 */
const EXTRA_BLOCKED: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  // IPv4-compatible IPv6 (RFC 4291 §2.5.5.1, deprecated): ::7f00:1 embeds 127.0.0.1 and ipaddr.js calls it unicast.
  ipaddr.parseCIDR('::/96'),
  // Local-use NAT64 prefix (RFC 8215): translates to any IPv4 address, private ones included.
  ipaddr.parseCIDR('64:ff9b:1::/48'),
  // Azure's wire server / metadata address: public-looking, yet answers only inside the cloud.
  ipaddr.parseCIDR('168.63.129.16/32'),
];

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = ip.replace(/^\[|\]$/g, '').split('%')[0]!;
  try {
    // process() accepts the legacy IPv4 forms (2130706433, 0x7f.1, 017700000001) and unwraps IPv4-mapped IPv6.
    return ipaddr.process(bare);
  } catch {
    return undefined;
  }
}

function within(a: ipaddr.IPv4 | ipaddr.IPv6, cidr: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  return a.kind() === cidr[0].kind() && a.match(cidr);
}

/** Parses "10.0.0.0/8", "::1/128" or a bare address into a CIDR; undefined when malformed. */
export function parseCidr(s: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  try {
    if (s.includes('/')) return ipaddr.parseCIDR(s);
    const a = ipaddr.parse(s);
    return [a, a.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** The ipaddr.js range name of an address (`unicast` for public ones), or `invalid`. */
export function addressRange(ip: string): string {
  const a = parse(ip);
  if (!a) return 'invalid';
  if (EXTRA_BLOCKED.some((c) => within(a, c))) return 'blocked';
  return a.range();
}

/** True when an address is not public unicast and not explicitly allowed by a CIDR in `allow`. */
export function isBlockedAddress(ip: string, allow: string[] = []): boolean {
  const a = parse(ip);
  if (!a) return true;
  for (const entry of allow) {
    const c = parseCidr(entry);
    if (c && within(a, c)) return false;
  }
  return addressRange(ip) !== 'unicast';
}

/** Checks a URL's shape before any DNS: http(s) only, no credentials. Returns a reason or undefined. */
export function urlShapeProblem(raw: string, allowHttp: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:')) return 'URL must use https';
  if (u.username || u.password) return 'URL must not carry credentials';
  return undefined;
}

/** The host of a URL as DNS or an address literal sees it (IPv6 brackets removed). */
export function urlHost(raw: string): string {
  return new URL(raw).hostname.replace(/^\[|\]$/g, '');
}
