import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';

/** A live message that is not a domain event: no outbox, no seq, no replay (positions). */
export interface TelemetryMessage {
  type: string;
  warehouseId: string;
  payload: unknown;
  occurredAt: string;
}

/**
 * Pushes telemetry straight to Socket.IO rooms as `telemetry` messages. Through this process's
 * Socket.IO server once the gateway is attached (its own sockets get the message at once, other API
 * processes through the Redis adapter), else through a Redis emitter on the adapter's channel.
 */
export class Telemetry {
  private io?: Pick<Server, 'to'>;
  private emitter?: Emitter;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  attach(io: Pick<Server, 'to'>): void {
    this.io = io;
  }

  publish(rooms: string[], message: TelemetryMessage): void {
    const target = this.io ?? (this.emitter ??= new Emitter(this.redis, { key: this.key }));
    target.to(rooms).emit('telemetry', message);
  }
}
