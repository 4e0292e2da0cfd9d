import { z } from 'zod';
import { inventoryEvents } from '../inventory/inventory.events.js';
import { ordersEvents } from '../orders/orders.events.js';
import { tasksEvents } from '../tasks/tasks.events.js';
import { dispatchEvents } from '../dispatch/dispatch.events.js';
import { shippingEvents } from '../shipping/shipping.events.js';
import { receivingEvents } from '../receiving/receiving.events.js';
import { slottingEvents } from '../slotting/slotting.events.js';
import { dispatchLiveEvents } from '../dispatch/live.events.js';

/**
 * The typed catalogue of domain events: `context.noun.pastVerb` → payload schema.
 * Every event written to the outbox is validated against its schema here.
 */
const id = z.string().min(1);

const foundationEvents = {
  'warehouse.note.posted': z.object({ text: z.string().max(500), by: z.string() }),
  'user.logged_in': z.object({ userId: id, deviceId: z.string().optional() }),
};

/** Contexts add their `*.events.ts` maps here. */
export const eventSchemas = {
  ...foundationEvents,
  ...inventoryEvents,
  ...ordersEvents,
  ...tasksEvents,
  ...dispatchEvents,
  ...receivingEvents,
  ...slottingEvents,
  ...dispatchLiveEvents,
  ...shippingEvents,
} satisfies Record<string, z.ZodType>;

export type DomainEventType = keyof typeof eventSchemas;
export type EventPayload<T extends DomainEventType> = z.infer<(typeof eventSchemas)[T]>;

/** What the relay publishes and what clients receive. */
export const relayedEventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  warehouseId: z.string(),
  type: z.string(),
  payload: z.unknown(),
  occurredAt: z.string(),
});
export type RelayedEvent = z.infer<typeof relayedEventSchema>;
