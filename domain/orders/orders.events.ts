import { z } from 'zod';

/** Domain events of the orders context: `context.noun.pastVerb` → payload schema. */
const id = z.string().min(1);
const lineQty = z.object({ lineId: id, skuId: id.nullable(), qty: z.number().int() });

export const ordersEvents = {
  'order.created': z.object({
    orderId: id,
    externalId: z.string(),
    connectorId: id.nullable(),
    status: z.string(),
    priorityRank: z.number().int(),
    /** The creating transaction allocated the order too (batch intake): the allocation trigger has nothing to do. */
    allocatedInTx: z.boolean().optional(),
  }),
  'order.updated': z.object({ orderId: id, status: z.string(), version: z.number().int(), linesChanged: z.boolean() }),
  'order.held': z.object({ orderId: id, reason: z.string() }),
  'order.hold_released': z.object({ orderId: id }),
  'order.allocated': z.object({ orderId: id, lines: z.array(lineQty) }),
  'order.backordered': z.object({ orderId: id, shortQty: z.number().int(), lines: z.array(lineQty) }),
  'order.cancelled': z.object({ orderId: id, stage: z.enum(['before_pick', 'after_pick']), reason: z.string(), source: z.string() }),
  'order.cancel_refused': z.object({ orderId: id, reason: z.string(), source: z.string() }),
  /** Picked goods of a cancelled order must go back to stock: the tasks context raises a put-back task. */
  'order.putback_requested': z.object({ orderId: id, lines: z.array(lineQty) }),
  'order.shipped': z.object({ orderId: id, shipmentId: id }),
  'order.delivered': z.object({ orderId: id, shipmentId: id }),
} satisfies Record<string, z.ZodType>;
