import { Queue, type JobsOptions, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import type { Config } from './config.js';

/**
 * One place naming every BullMQ queue, its payload schema and the domain events it subscribes to.
 * Producers call `queues.add(name, payload)`, which validates the payload; processors parse it again.
 */
export const queueDefs = {
  allocation: {
    payload: z.object({ orderId: z.string().uuid().optional(), warehouseId: z.string().uuid(), reason: z.string() }),
    subscribes: [] as string[],
  },
  'webhook-intake': { payload: z.object({ deliveryId: z.string() }), subscribes: [] as string[] },
  /** Orders: events that can change what is allocatable (new/changed orders, stock arriving or freed). */
  'allocation-triggers': {
    payload: relayedEventSchema,
    subscribes: [
      'order.created',
      'order.updated',
      'order.hold_released',
      'stock.moved',
      'stock.reservation_released',
      'stock.hold_released',
      'count.completed',
    ] as string[],
  },
  /** Orders: shipment progress reported back to the storefront. */
  'fulfilment-callbacks': {
    payload: relayedEventSchema,
    subscribes: [
      'shipment.created',
      'shipment.packed',
      'shipment.labelled',
      'shipment.delivered',
      'order.cancel_refused',
      // Dispatch's customer notices (ETA, nearby, delivered, failed, delayed + tracking link) for api storefronts.
      'delivery.customer_notified',
    ] as string[],
  },
  /** Orders: one HTTP attempt of an outbound_delivery row (retries are rescheduled from Postgres). */
  'webhook-delivery': { payload: z.object({ deliveryId: z.string().uuid() }), subscribes: [] as string[] },
  /** Orders: storefront reconciliation polls and the repair sweep (lost jobs, due retries, key pruning). */
  reconciliation: {
    payload: z.object({ kind: z.enum(['poll', 'sweep', 'dispatch', 'privacy-purge']), connectorId: z.string().uuid().optional() }),
    subscribes: [] as string[],
  },
  routing: { payload: z.object({ planId: z.string().uuid() }), subscribes: [] as string[] },
  /** Floor: returns tasks whose lease ran out to the pool (repeatable tick). */
  'task-timeouts': { payload: z.object({ kind: z.literal('tick') }), subscribes: [] as string[] },
  /** Floor: scheduled wave templates (tick) and waveless order streaming (order.allocated). */
  'wave-release': {
    payload: z.union([relayedEventSchema, z.object({ kind: z.literal('tick') })]),
    subscribes: ['order.allocated'] as string[],
  },
  /**
   * Shipping: carrier choice when a carton is packed (or, held for the consolidation window, by a delayed `select`);
   * the cut-off check for unmanifested parcels (tick).
   */
  shipping: {
    payload: z.union([
      relayedEventSchema,
      z.object({ kind: z.literal('tick') }),
      z.object({ kind: z.literal('select'), shipmentId: z.uuid() }),
    ]),
    subscribes: ['shipment.packed'] as string[],
  },
  /** Floor: cancelled orders leave the floor; picked goods of cancelled orders get a put-back task; waves settle. */
  'floor-events': {
    payload: relayedEventSchema,
    subscribes: ['order.cancelled', 'order.putback_requested', 'task.completed', 'shipment.packed'] as string[],
  },
  /** Slotting: pick faces dropping below min after a pick, short picks (emergency), released waves' demand. */
  replenishment: {
    payload: relayedEventSchema,
    subscribes: ['stock.moved', 'task.short_picked', 'wave.released'] as string[],
  },
  /** Slotting: the nightly velocity run (tick) and re-slotting proposals once a warehouse's velocity is computed. */
  slotting: {
    payload: z.union([relayedEventSchema, z.object({ kind: z.literal('nightly') })]),
    subscribes: ['slotting.velocity_computed'] as string[],
  },
} as const;

export type QueueName = keyof typeof queueDefs;
export type QueuePayload<N extends QueueName> = z.infer<(typeof queueDefs)[N]['payload']>;

export function bullConnection(config: Pick<Config, 'REDIS_URL'>): ConnectionOptions {
  const u = new URL(config.REDIS_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

export class QueueRegistry {
  private queues = new Map<QueueName, Queue>();

  constructor(
    readonly connection: ConnectionOptions,
    readonly prefix: string,
    /** Attempts before a job is parked in the dead-letter store (workers/job-guard.ts). */
    readonly attempts = 8,
  ) {}

  get(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      });
      this.queues.set(name, q);
    }
    return q;
  }

  async add<N extends QueueName>(name: N, payload: QueuePayload<N>, opts: JobsOptions = {}) {
    const data = queueDefs[name].payload.parse(payload);
    return this.get(name).add(name, data, opts);
  }

  /** Several jobs of one queue in one Redis round trip (BullMQ addBulk); payloads validated as `add` does. */
  async addBulk<N extends QueueName>(name: N, jobs: { payload: QueuePayload<N>; opts?: JobsOptions }[]) {
    if (!jobs.length) return [];
    const def = queueDefs[name].payload;
    return this.get(name).addBulk(jobs.map((j) => ({ name, data: def.parse(j.payload), opts: j.opts })));
  }

  /** Queues that want a given event type. */
  subscribersOf(eventType: string): QueueName[] {
    return (Object.keys(queueDefs) as QueueName[]).filter((n) =>
      (queueDefs[n].subscribes as readonly string[]).some(
        (p) => p === eventType || (p.endsWith('*') && eventType.startsWith(p.slice(0, -1))),
      ),
    );
  }

  all(): [QueueName, Queue][] {
    return (Object.keys(queueDefs) as QueueName[]).map((n) => [n, this.get(n)]);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export function createQueues(config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'> & { JOB_MAX_ATTEMPTS?: number }): QueueRegistry {
  return new QueueRegistry(bullConnection(config), `${config.REDIS_PREFIX}:bull`, config.JOB_MAX_ATTEMPTS ?? 8);
}
