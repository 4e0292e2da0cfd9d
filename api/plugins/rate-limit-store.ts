import type { Redis } from 'ioredis';
import { createRequire } from 'node:module';

type Result = { current: number; ttl: number };
type Callback = (err: Error | null, res?: Result) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read?(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(options: object): Store;
}
type RouteParams = {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  timeWindow: number;
  /** Set in a route's rateLimit config: count locally and add to Redis every `batchMs` (see BatchedRedisStore). */
  batchMs?: number;
  routeInfo: { method?: string | string[]; url?: string };
};
type RedisStoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => Store;
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore') as RedisStoreCtor;

// Adds n to the window's count, starting the window (its TTL) when the key is new; returns the count and its TTL.
const INCR_BY = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
if current == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return {current, tonumber(ARGV[2])} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) ttl = tonumber(ARGV[2]) end
return {current, ttl}`;

/**
 * A per-key counter of one route that answers from memory and adds its increments to the shared Redis window every
 * `batchMs`: one Redis round trip per key per interval instead of one per request. Across API processes the limit
 * stays shared (every increment reaches the same key as the plugin's own store would write), and each process learns
 * the others' counts at its next flush, so the limit is exceeded by at most what the other processes admit in one
 * interval; within one process it is exact. Made for a high-rate route with a coarse limit (storefront webhooks, per
 * connector), where a round trip per request cost 7 % of the API's busy time, and for the per-caller budget of every
 * authenticated route (api/app.ts).
 */
class BatchedRedisStore implements Store {
  /** known: the window's count as Redis last answered; sent: increments on their way to Redis; pending: not yet sent. */
  private keys = new Map<string, { known: number; sent: number; pending: number; until: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly batchMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  incr(key: string, cb: Callback, timeWindow: number): void {
    const now = Date.now();
    let k = this.keys.get(key);
    // The window as last read has ended (or was never read): its count starts again, as Redis's expired key does.
    if (!k || (now >= k.until && k.pending === 0 && k.sent === 0))
      this.keys.set(key, (k = { known: 0, sent: 0, pending: 0, until: now + timeWindow }));
    k.pending++;
    if (!this.timer) this.timer = setTimeout(() => this.flush(timeWindow), this.batchMs).unref();
    cb(null, { current: k.known + k.sent + k.pending, ttl: Math.max(0, k.until - now) });
  }

  child(): Store {
    return this;
  }

  private flush(timeWindow: number): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [key, k] of this.keys) {
      if (k.pending === 0) {
        if (now >= k.until && k.sent === 0) this.keys.delete(key);
        continue;
      }
      const n = k.pending;
      k.pending = 0;
      k.sent += n;
      this.redis.eval(INCR_BY, 1, this.prefix + key, n, timeWindow).then(
        (r) => {
          const [current, ttl] = r as [number, number];
          // Increments sent after this flush are in `sent` (Redis answers in order), later ones in `pending`: both on top.
          k.sent -= n;
          k.known = current;
          k.until = Date.now() + ttl;
        },
        (err: unknown) => {
          k.sent -= n;
          k.pending += n;
          this.onError(err);
        },
      );
    }
    if ([...this.keys.values()].some((k) => k.pending > 0) && !this.timer)
      this.timer = setTimeout(() => this.flush(timeWindow), this.batchMs).unref();
  }
}

/**
 * The rate-limit store for @fastify/rate-limit (its `store` option). A route whose rateLimit config sets `batchMs` gets
 * a BatchedRedisStore on the same Redis key as the plugin's store; any other route with a config of its own (login)
 * gets the plugin's Redis store (one round trip per request, exact across processes). The global budget, which every
 * other route shares per caller, is counted by the plugin's Redis store too, unless `globalBatchMs` is set: then by a
 * BatchedRedisStore on the plugin's key.
 */
export function rateLimitStore(redis: Redis, nameSpace: string, onError: (err: unknown) => void, opts: { globalBatchMs?: number } = {}) {
  return class implements Store {
    private readonly inner: Store;
    private readonly batched?: BatchedRedisStore;
    constructor(params: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      this.inner = new RedisStore(!!params.continueExceeding, !!params.exponentialBackoff, redis, nameSpace);
      if (opts.globalBatchMs) this.batched = new BatchedRedisStore(redis, nameSpace, opts.globalBatchMs, onError);
    }
    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      (this.batched ?? this.inner).incr(key, cb, timeWindow, max);
    }
    read(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.inner.read!(key, cb, timeWindow, max);
    }
    child(options: object): Store {
      // What the plugin passes: the route's merged rateLimit params, with routeInfo (typed as fastify's RouteOptions).
      const route = options as RouteParams;
      if (!route.batchMs) return this.inner.child(route);
      const method = route.routeInfo.method;
      return new BatchedRedisStore(redis, `${nameSpace}${String(method)}${route.routeInfo.url}-`, route.batchMs, onError);
    }
  };
}
