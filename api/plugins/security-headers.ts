import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers on every response, worked out once at start-up and set from that list. @fastify/helmet
 * built a new helmet middleware (parsing the CSP directives again) and a reply decorator closure on every request (3.8 %
 * of the API's CPU under the picker load, issue 19); running one helmet middleware per request still cost about 2 %
 * of the webhook edge's busy time (a dozen small middlewares, each setting one header). Without per-request nonces
 * the headers never change, so the middleware runs once against a recording response and each request gets its
 * result: same headers, same names, same order, same hook position. Returns them as a plain object (lower-case
 * names), for answers written before Fastify sees the request (early 503s).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): Record<string, string> {
  const headers = recordHeaders(options);
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  return Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
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
