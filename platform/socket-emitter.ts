import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';

/**
 * The Socket.IO channel shared by the API's gateway (Redis adapter) and every process that pushes to clients
 * without serving them (the workers' outbox relay): one key, so an emit from any process reaches every socket.
 */
export function socketKey(prefix: string): string {
  return `${prefix}:sio`;
}

/** An emitter onto the gateway's channel, on its own Redis connection (the caller passes a duplicate). */
export function createSocketEmitter(redis: Redis, prefix: string): Emitter {
  return new Emitter(redis, { key: socketKey(prefix) });
}
