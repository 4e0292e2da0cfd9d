import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers on every response, worked out once at start-up and set from that list. @fastify/helmet
 * built a new helmet middleware (parsing the CSP directives again) and a reply decorator closure on every request (3.8 %
 * of the API's CPU under the picker load, issue 19); running one helmet middleware per request still cost about 2 %
 * of the webhook edge's busy time (a dozen small middlewares, each setting one header). Without per-request nonces
 * the headers never change, so the middleware runs once against a recording response and each request gets its
 * result: same headers, same names, same order, same hook position. Requests under `machine.prefixes` (the storefront
 * webhooks) get the short set of an API answer instead (see machineHeaders). Returns both as plain objects (lower-case
 * names), for answers written before Fastify sees the request (early 503s).
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: HelmetOptions,
  machine: { prefixes: readonly string[] } = { prefixes: [] },
): { page: Record<string, string>; machine: Record<string, string> } {
  const page = recordHeaders(options);
  const api = machineHeaders(page);
  const { prefixes } = machine;
  app.addHook('onRequest', (req, reply, done) => {
    const url = req.raw.url ?? '';
    const list = prefixes.some((p) => url.startsWith(p)) ? api : page;
    for (const [name, value] of list) reply.raw.setHeader(name, value);
    done();
  });
  const lower = (h: [string, string][]) => Object.fromEntries(h.map(([name, value]) => [name.toLowerCase(), value]));
  return { page: lower(page), machine: lower(api) };
}

/**
 * The headers of an answer to a machine (a storefront's webhook POST): the OWASP REST Security Cheat Sheet's set for API
 * responses ("Security Headers": HSTS, nosniff, frame-ancestors 'none', X-Frame-Options DENY, Cache-Control no-store),
 * HSTS as configured for the pages. The page set is 12 headers and 772 bytes (the CSP alone 330), on an ack whose
 * body is 60: headers a browser reads when it renders a page, which no storefront does, and every one of them a
 * setHeader call and bytes to write on the busiest path of the API (issue 19, goal 1: writev 16 % of its CPU).
 */
function machineHeaders(page: readonly [string, string][]): [string, string][] {
  const hsts = page.find(([n]) => n.toLowerCase() === 'strict-transport-security');
  return [
    ...(hsts ? [hsts] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['Content-Security-Policy', "frame-ancestors 'none'"],
    ['X-Frame-Options', 'DENY'],
    ['Cache-Control', 'no-store'],
  ];
}

/** The headers helmet sets, as it names them, in its order: its middleware run once against a recording response. */
function recordHeaders(options: Readonly<HelmetOptions>): [string, string][] {
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.join(', ') : String(value)]);
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  let failed: unknown;
  helmet(options)({} as never, recorder as never, (err?: unknown) => (failed = err));
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return [...headers.values()];
}
