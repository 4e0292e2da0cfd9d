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
 *
 * Messages for the same rooms published in one turn of the event loop go out as one bundle (an
 * array) at the end of that turn (setImmediate: no timer, no added wait): one encode, one Redis
 * publish and one socket write per watcher instead of one per ping. A lone message goes out as
 * itself, so `telemetry` carries a message or an array of them. A day's pings share their rooms
 * (`warehouse:<id>` and `route:<planId>`), so under load most of them bundle.
 */
export class Telemetry {
  private io?: Pick<Server, 'to'>;
  private emitter?: Emitter;
  private readonly pending = new Map<string, { rooms: string[]; messages: TelemetryMessage[] }>();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  attach(io: Pick<Server, 'to'>): void {
    this.io = io;
  }

  publish(rooms: string[], message: TelemetryMessage): void {
    const key = [...rooms].sort().join('\n');
    const bundle = this.pending.get(key);
    if (bundle) bundle.messages.push(message);
    else this.pending.set(key, { rooms, messages: [message] });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const target = this.io ?? (this.emitter ??= new Emitter(this.redis, { key: this.key }));
    for (const { rooms, messages } of this.pending.values())
      target.to(rooms).emit('telemetry', messages.length === 1 ? messages[0] : messages);
    this.pending.clear();
  }
}
