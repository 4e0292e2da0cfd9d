import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { userTokenState } from '../../domain/identity/user-admin.service.js';
import type { Orm } from '../../platform/db.js';
import { ListenCache } from '../../platform/listen-cache.js';
import type { Logger } from '../../platform/logger.js';

/** The channel migration 20261130163003's trigger NOTIFYs with a user's id. */
export const USER_STATE_CHANNEL = 'dockside_user_state';

type UserTokenState = { active: boolean; tokenVersion: number } | undefined;

/**
 * Token freshness on every request. Each process keeps a user's {active, tokenVersion}, kept exact by PostgreSQL:
 * a trigger NOTIFYs `dockside_user_state` on commit of any change to a user's `active` or `token_version` (migration
 * 20261130163003), whoever makes it, and ListenCache drops the entry (while its LISTEN connection is down, every
 * request reads). A revocation (disable, role change, sign-out-everywhere) is also published on Redis, so every API
 * process emits 'revoked' and closes that user's sockets. The entry was a 5 s cache before: with a floor's think
 * times it had expired by the next scan, so nearly every handheld request read the user first (issue 19).
 */
export class UserStateCache {
  private readonly cache: ListenCache<UserTokenState>;
  private readonly reading = new Map<string, Promise<UserTokenState>>();
  /** Emits 'revoked' (userId) for revocations from any process. */
  readonly events = new EventEmitter();
  private sub?: Redis;

  constructor(
    private readonly orm: Orm,
    private readonly pub: Redis,
    private readonly channel: string,
    databaseUrl: string,
    log: Pick<Logger, 'warn'>,
  ) {
    this.cache = new ListenCache(databaseUrl, USER_STATE_CHANNEL, log);
  }

  async start(): Promise<void> {
    await this.cache.start();
    this.sub = this.pub.duplicate();
    this.sub.on('message', (_ch: string, userId: string) => {
      this.forget(userId);
      this.events.emit('revoked', userId);
    });
    await this.sub.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    this.sub?.disconnect();
    await this.cache.stop();
  }

  /** Current state of a user (undefined: no such user). */
  get(userId: string): Promise<UserTokenState> {
    // One read per user at a time: a busy user's requests (a phone pinging) share it when the entry is missing.
    let reading = this.reading.get(userId);
    if (!reading) {
      reading = this.cache
        .get(userId, () => userTokenState(this.orm.em.fork(), userId))
        .finally(() => {
          if (this.reading.get(userId) === reading) this.reading.delete(userId);
        });
      this.reading.set(userId, reading);
    }
    return reading;
  }

  private forget(userId: string): void {
    this.cache.invalidate(userId);
    this.reading.delete(userId);
  }

  /** After a committed change: forget locally, tell every process (the trigger's NOTIFY tells their caches too). */
  async revoked(userId: string): Promise<void> {
    this.forget(userId);
    await this.pub.publish(this.channel, userId);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    userState: UserStateCache;
  }
}

export async function registerUserState(app: FastifyInstance, orm: Orm, redis: Redis, prefix: string): Promise<void> {
  const cache = new UserStateCache(orm, redis, `${prefix}:auth:revoked`, app.config.DATABASE_URL, app.log);
  await cache.start();
  app.decorate('userState', cache);
  app.addHook('onClose', async () => cache.stop());
}
