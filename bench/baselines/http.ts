/**
 * HTTP baselines with autocannon, in this process. `httpLoad` is the one measuring method: a
 * benchmark of a real route calls it with the same connections and duration as
 * `trivialFastifyBaseline` so the two numbers form a fair ratio (load generator and server share
 * the same machine either way).
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';

export interface HttpLoadOptions {
  durationS?: number;
  connections?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpLoadResult {
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Closed-loop load on one URL for durationS; req/s is autocannon's per-second average. */
export async function httpLoad(url: string, o: HttpLoadOptions = {}): Promise<HttpLoadResult> {
  const r = await autocannon({
    url,
    connections: o.connections ?? 50,
    duration: o.durationS ?? 5,
    method: o.method ?? 'GET',
    headers: o.headers,
    body: o.body,
  });
  return {
    reqPerS: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

/** Req/s and latency of `GET /ping → {"ok":true}` on a bare Fastify 5 app without logging. */
export async function trivialFastifyBaseline(o: { durationS?: number; connections?: number } = {}): Promise<HttpLoadResult> {
  const app = Fastify({ logger: false });
  app.get('/ping', async () => ({ ok: true }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    // A throw-away second first, so the measured run sees optimized code and open sockets.
    await httpLoad(`${address}/ping`, { durationS: 1, connections: o.connections });
    return await httpLoad(`${address}/ping`, o);
  } finally {
    await app.close();
  }
}
