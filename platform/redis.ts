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
