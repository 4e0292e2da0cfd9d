import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';

/** A Redis connection suitable for BullMQ (which requires maxRetriesPerRequest: null). */
export function createRedis(config: Pick<Config, 'REDIS_URL'>, extra: RedisOptions = {}): Redis {
  return new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return pong === 'PONG';
  } catch {
    return false;
  }
}

export class RedisPolicyError extends Error {}

/**
 * BullMQ needs `maxmemory-policy noeviction`: any other policy lets Redis silently drop queue keys under memory
 * pressure. Refuses (throws) on another policy; a Redis that hides CONFIG (some managed services) is let through.
 */
export async function assertNoEviction(redis: Redis): Promise<string | undefined> {
  let policy: string | undefined;
  try {
    const r = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = r[1];
  } catch {
    return undefined;
  }
  if (policy !== undefined && policy !== 'noeviction')
    throw new RedisPolicyError(
      `Redis maxmemory-policy is "${policy}"; it must be "noeviction" (queues would lose jobs silently). Run: redis-cli config set maxmemory-policy noeviction`,
    );
  return policy;
}
