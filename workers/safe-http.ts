import type { OrdersSettings } from '../domain/orders/orders.settings.js';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { isBlockedAddress, urlHost, urlShapeProblem } from '../domain/orders/ssrf.js';

export class SsrfBlocked extends Error {
  code = 'ESSRF';
}

export interface Resolved {
  address: string;
  family: number;
}

/** DNS resolution, injectable so tests can play a rebinding or private-resolving name without a DNS server. */
export type Resolver = (host: string) => Promise<Resolved[]>;

export const systemResolver: Resolver = async (host) => dnsLookup(host, { all: true, verbatim: true });

export interface SafeHttpOptions {
  /** CIDRs outbound calls may reach although private (tests, or an on-premise storefront). */
  allowPrivate: string[];
  /** http: allowed (development and tests only); otherwise https only. */
  allowHttp: boolean;
  timeoutMs: number;
  /** Bytes of response body read at most; a larger body fails the call before (content-length) or while reading. */
  maxBodyBytes: number;
  resolve?: Resolver;
}

/**
 * Resolves a host once and checks every address it gave; returns the one to connect to. A name resolving to any
 * private address is refused (a split answer is a rebinding attempt as often as not).
 */
export async function resolveChecked(host: string, allow: string[], resolve: Resolver = systemResolver): Promise<Resolved> {
  if (isIP(host)) {
    if (isBlockedAddress(host, allow)) throw new SsrfBlocked(`refused: ${host} is a private address`);
    return { address: host, family: isIP(host) };
  }
  const addrs = await resolve(host);
  if (!addrs.length) throw new SsrfBlocked(`refused: ${host} does not resolve`);
  const bad = addrs.find((a) => isBlockedAddress(a.address, allow));
  if (bad) throw new SsrfBlocked(`refused: ${host} resolves to private address ${bad.address}`);
  return addrs[0]!;
}

/**
 * A one-connection dispatcher whose DNS lookup answers with the address already checked: the socket goes exactly
 * where the check looked, so a name re-resolving to an internal address between check and connect (DNS rebinding)
 * cannot slip through. TLS still verifies the certificate against the URL's host name (SNI from the URL).
 */
function pinnedAgent(pinned: Resolved, timeoutMs: number): Agent {
  const lookup = (
    _host: string,
    opts: { all?: boolean } | undefined,
    cb: (err: Error | null, address: string | Resolved[], family?: number) => void,
  ) => (opts?.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family));
  return new Agent({ connect: { lookup: lookup as never, timeout: timeoutMs }, pipelining: 0, connections: 1 });
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  retryAfterS?: number;
  error?: string;
}

/** Reads a body stream up to `max` bytes; destroys the stream and throws past it (nothing more is buffered). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new Error(`response larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One outbound HTTP call: https only (unless allowed), address checked and pinned, redirects never followed
 * (a 3xx is returned as is), bounded time and body. Never throws: failures come back as `error`.
 */
export async function safeRequest(
  o: SafeHttpOptions,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<HttpResult> {
  let agent: Agent | undefined;
  try {
    const shape = urlShapeProblem(url, o.allowHttp);
    if (shape) throw new SsrfBlocked(`refused: ${shape}`);
    const pinned = await resolveChecked(urlHost(url), o.allowPrivate, o.resolve);
    agent = pinnedAgent(pinned, o.timeoutMs);
    const res = await request(url, {
      method: init.method as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      // undici.request follows no redirects (there is no redirect interceptor on this dispatcher): a 3xx comes back.
    });
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > o.maxBodyBytes) {
      res.body.destroy();
      throw new Error(`response larger than ${o.maxBodyBytes} bytes (content-length ${declared})`);
    }
    const text = await readCapped(res.body as never, o.maxBodyBytes);
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
    const ra = headers['retry-after'];
    const retryAfterS = ra && /^\d+$/.test(ra) ? Number(ra) : undefined;
    return { status: res.statusCode, body: text, headers, retryAfterS };
  } catch (err) {
    return { status: 0, body: '', headers: {}, error: (err as Error).message };
  } finally {
    void agent?.destroy().catch(() => undefined);
  }
}

/** The outbound HTTP options of the orders area (webhooks, callbacks, polls) from its settings. */
export function outboundHttp(s: OrdersSettings, maxBodyBytes = s.maxResponseBytes): SafeHttpOptions {
  return { allowPrivate: s.allowPrivate, allowHttp: s.allowHttp, timeoutMs: s.timeoutMs, maxBodyBytes };
}
