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
    // A pick scan moves stock from a bin into a tote on a cart (CARTS, never allocatable): no order can gain from it.
    ignores: [{ type: 'stock.moved', field: 'toAllocatable', equals: false }],
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
    // A pick scan that leaves its balance at or above the face's min leaves the face there too (balances are ≥ 0).
    ignores: [{ type: 'stock.moved', field: 'faceBelowMin', equals: false }],
  },
  /** Slotting: the nightly velocity run (tick) and re-slotting proposals once a warehouse's velocity is computed. */
  slotting: {
    payload: z.union([relayedEventSchema, z.object({ kind: z.literal('nightly') })]),
    subscribes: ['slotting.velocity_computed'] as string[],
  },
} as const;

export type QueueName = keyof typeof queueDefs;

/**
 * Events of a subscribed type that a queue has no use for, told by a boolean field of the payload that their producer
 * sets (`payload[field] === equals`); an event without the field is queued as before. Neither the relay nor the
 * reconciler queues them, so they cost no job and no consumption row (issue 19: a pick scan queued two jobs that
 * found nothing to do, the workers' largest CPU use under 300 pickers).
 */
export interface IgnoreRule {
  type: string;
  field: string;
  equals: boolean;
}

function ignoresOf(name: QueueName): readonly IgnoreRule[] {
  return (queueDefs[name] as { ignores?: readonly IgnoreRule[] }).ignores ?? [];
}

/** Whether `name` subscribes to the event but ignores it by one of its rules. */
export function ignoredBy(name: QueueName, event: { type: string; payload?: unknown }): boolean {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  return ignoresOf(name).some((r) => r.type === event.type && payload[r.field] === r.equals);
}

/**
 * The same rules as a SQL condition on an outbox row aliased `alias` (true when the queue ignores it), with its
 * parameters, for the reconciler's search of relayed events whose job never ran.
 */
export function ignoredSql(name: QueueName, alias: string): { text: string; params: unknown[] } {
  const rules = ignoresOf(name);
  if (!rules.length) return { text: 'false', params: [] };
  return {
    text: rules.map(() => `(${alias}.type = ? and ${alias}.payload -> ?::text is not distinct from to_jsonb(?::boolean))`).join(' or '),
    params: rules.flatMap((r) => [r.type, r.field, r.equals]),
  };
}
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

  /** Queues that want this event: they subscribe to its type and none of their ignore rules matches its payload. */
  wantedBy(event: { type: string; payload?: unknown }): QueueName[] {
    return this.subscribersOf(event.type).filter((n) => !ignoredBy(n, event));
  }

  /** Queues that subscribe to a given event type. */
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
