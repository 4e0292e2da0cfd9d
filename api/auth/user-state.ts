import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { userTokenState } from '../../domain/identity/user-admin.service.js';
import type { Orm } from '../../platform/db.js';

/**
 * Token freshness on every request. Each process keeps a user's {active, tokenVersion} for a few seconds; a
 * revocation (disable, role change, sign-out-everywhere) is published on Redis so every API process drops its
 * cached entry at once and closes that user's sockets. The cache only bounds staleness if a message is lost.
 */
export class UserStateCache {
  private readonly entries = new Map<string, { at: number; state: { active: boolean; tokenVersion: number } | undefined }>();
  private epoch = 0;
  private readonly reading = new Map<string, Promise<{ active: boolean; tokenVersion: number } | undefined>>();
  /** Emits 'revoked' (userId) for revocations from any process. */
  readonly events = new EventEmitter();
  private sub?: Redis;

  constructor(
    private readonly orm: Orm,
    private readonly pub: Redis,
    private readonly channel: string,
    private readonly ttlMs = 5_000,
  ) {}

  async start(): Promise<void> {
    this.sub = this.pub.duplicate();
    this.sub.on('message', (_ch: string, userId: string) => {
      this.forget(userId);
      this.events.emit('revoked', userId);
    });
    await this.sub.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    this.sub?.disconnect();
  }

  /** Current state of a user (undefined: no such user). */
  async get(userId: string) {
    const hit = this.entries.get(userId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.state;
    // One read per user at a time: a busy user's requests (a phone pinging) share it when the entry expires.
    let reading = this.reading.get(userId);
    if (!reading) {
      const epoch = this.epoch;
      reading = userTokenState(this.orm.em.fork(), userId)
        .then((state) => {
          if (this.entries.size > 50_000) this.entries.clear();
          // A revocation that arrived during the read may postdate it: keep nothing then.
          if (epoch === this.epoch) this.entries.set(userId, { at: Date.now(), state });
          return state;
        })
        .finally(() => {
          if (this.reading.get(userId) === reading) this.reading.delete(userId);
        });
      this.reading.set(userId, reading);
    }
    return reading;
  }

  private forget(userId: string): void {
    this.epoch++;
    this.entries.delete(userId);
    this.reading.delete(userId);
  }

  /** After a committed change: forget locally, tell every process. */
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
  const cache = new UserStateCache(orm, redis, `${prefix}:auth:revoked`);
  await cache.start();
  app.decorate('userState', cache);
  app.addHook('onClose', async () => cache.stop());
}
