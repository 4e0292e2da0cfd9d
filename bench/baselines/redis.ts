/** Raw Redis round trip with ioredis: the floor under any queue or pub/sub work. */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';

export interface RedisRoundTripResult {
  opsPerS: number;
  p50Ms: number;
  p99Ms: number;
  n: number;
}

function quantile(sorted: number[], q: number): number {
  const i = q * (sorted.length - 1);
  const lo = Math.floor(i);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** n sequential round trips (PING, or SET then GET counted as one op) after a short warm-up. */
export async function redisRoundTrip(o: { n?: number; url?: string; command?: 'ping' | 'setget' } = {}): Promise<RedisRoundTripResult> {
  const n = o.n ?? 5000;
  const redis = new Redis(o.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const op =
      o.command === 'setget'
        ? async (i: number) => {
            await redis.set('dockside:bench:rtt', String(i));
            await redis.get('dockside:bench:rtt');
          }
        : async () => {
            await redis.ping();
          };
    for (let i = 0; i < 200; i++) await op(i);
    const lat = new Float64Array(n);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await op(i);
      lat[i] = performance.now() - s;
    }
    const totalMs = performance.now() - t0;
    const sorted = Array.from(lat.sort());
    return { opsPerS: n / (totalMs / 1000), p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), n };
  } finally {
    if (o.command === 'setget') await redis.del('dockside:bench:rtt');
    redis.disconnect();
  }
}
