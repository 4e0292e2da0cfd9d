import { configureDayMatrix } from '../domain/dispatch/matrix-source.js';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from './config.js';
import { createOrm, type Orm } from './db.js';
import { createLogger, type Logger } from './logger.js';
import { createQueues, type QueueRegistry } from './queues.js';
import { assertNoEviction, createRedis } from './redis.js';
import { installOutboxWake } from './outbox-wake.js';
import { usePostalCentroidFile } from '../domain/shipping/postal-centroids.js';

/** The shared resources of an API or worker process. */
export interface Runtime {
  config: Config;
  logger: Logger;
  orm: Orm;
  redis: Redis;
  queues: QueueRegistry;
  close(): Promise<void>;
}

/** `poolMin`: connections the ORM pool keeps open however idle (the API process keeps all of them: keepPoolWarm). */
export async function createRuntime(name: string, config: Config = loadConfig(), opts: { poolMin?: number } = {}): Promise<Runtime> {
  const logger = createLogger(config, name);
  usePostalCentroidFile(config.POSTAL_CENTROIDS_FILE);
  const orm = await createOrm(config, opts);
  const redis = createRedis(config);
  if (config.REDIS_REQUIRE_NOEVICTION)
    await assertNoEviction(redis).catch(async (err: unknown) => {
      redis.disconnect();
      await orm.close(true);
      throw err;
    });
  const queues = createQueues(config);
  installOutboxWake(orm, redis, config.REDIS_PREFIX);
  configureDayMatrix({ osrmUrl: config.OSRM_URL });
  return {
    config,
    logger,
    orm,
    redis,
    queues,
    async close() {
      await queues.close();
      redis.disconnect();
      await orm.close(true);
    },
  };
}

/** Exits with the configuration error named, instead of a stack trace, when env is invalid. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
