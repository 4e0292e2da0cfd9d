import { isIP } from 'node:net';

/**
 * SSRF guard rules (pure): outbound webhooks and storefront callbacks may only reach public addresses.
 * Blocked ranges: IANA special-purpose registries (RFC 6890 and updates) — loopback, RFC 1918 private,
 * link-local (incl. cloud metadata 169.254.169.254), CGNAT, ULA, multicast, reserved, and IPv4-mapped IPv6 of those.
 */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBigInt(ip: string): bigint {
  let s = ip.toLowerCase().split('%')[0]!;
  // Embedded IPv4 tail (::ffff:1.2.3.4)
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToBigInt(v4[1]!);
    s = s.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

function inCidr(ip: string, base: string, bits: number): boolean {
  const fam = isIP(ip);
  if (fam !== isIP(base)) return false;
  const width = fam === 4 ? 32n : 128n;
  const a = fam === 4 ? v4ToBigInt(ip) : v6ToBigInt(ip);
  const b = fam === 4 ? v4ToBigInt(base) : v6ToBigInt(base);
  const shift = width - BigInt(bits);
  return a >> shift === b >> shift;
}

/** Parses "10.0.0.0/8", "::1/128" or a bare address into [base, bits]; undefined when malformed. */
export function parseCidr(s: string): [string, number] | undefined {
  const [base, bits] = s.split('/');
  const fam = isIP(base ?? '');
  if (!fam) return undefined;
  const n = bits === undefined ? (fam === 4 ? 32 : 128) : Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (fam === 4 ? 32 : 128) ? [base!, n] : undefined;
}

/** True when an address is in a private/special range and not explicitly allowed by a CIDR in `allow`. */
export function isBlockedAddress(ip: string, allow: string[] = []): boolean {
  const fam = isIP(ip);
  if (!fam) return true;
  for (const a of allow) {
    const c = parseCidr(a);
    if (c && inCidr(ip, c[0], c[1])) return false;
  }
  if (fam === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return isBlockedAddress(mapped[1]!, allow);
    return BLOCKED_V6.some(([b, n]) => inCidr(ip, b, n));
  }
  return BLOCKED_V4.some(([b, n]) => inCidr(ip, b, n));
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
