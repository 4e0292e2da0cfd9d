import { z } from 'zod';

const id = z.string().min(1);
const stockKey = z.object({
  locationId: id.nullable(),
  virtual: z.string().nullable().optional(),
  lot: z.string().nullable().optional(),
  expiry: z.string().nullable().optional(),
  lpnId: z.string().nullable().optional(),
  status: z.string().optional(),
});

/** Domain events of the inventory context (catalog, layout, ledger, counts): `context.noun.pastVerb` → payload schema. */
export const inventoryEvents = {
  'stock.moved': z.object({
    movementId: z.string(),
    type: z.string(),
    skuId: id,
    qty: z.number().int().positive(),
    from: stockKey,
    to: stockKey,
    refType: z.string().nullable().optional(),
    refId: z.string().nullable().optional(),
    /** Said by movers that know it: false when the destination is no location stock is allocated from (a tote on a cart). */
    toAllocatable: z.boolean().optional(),
    /**
     * Said by movers that know it: false when the source is no pick face of the SKU, or when the debited balance alone
     * still holds the face's min (so the face does: balances are never negative); true when the face may be below min.
     */
    faceBelowMin: z.boolean().optional(),
  }),
  'stock.reserved': z.object({
    skuId: id,
    refType: z.string(),
    refId: z.string(),
    qty: z.number().int().nonnegative(),
    shortQty: z.number().int().nonnegative(),
    reservationIds: z.array(id),
  }),
  'stock.reservation_released': z.object({
    reservationIds: z.array(id),
    refType: z.string().optional(),
    refId: z.string().optional(),
    reason: z.string().optional(),
  }),
  'stock.reservation_consumed': z.object({
    reservationId: id,
    qty: z.number().int().nonnegative(),
    releasedQty: z.number().int().nonnegative(),
  }),
  'stock.held': z.object({
    holdId: id,
    skuId: id,
    lot: z.string().nullable(),
    locationId: z.string().nullable(),
    reason: z.string(),
    balances: z.number().int(),
    qty: z.number().int(),
    releasedReservations: z.number().int(),
  }),
  'stock.hold_released': z.object({ holdId: id, skuId: id, lot: z.string().nullable(), balances: z.number().int(), qty: z.number().int() }),
  'lpn.moved': z.object({
    lpnId: id,
    code: z.string(),
    fromLocationId: z.string().nullable(),
    toLocationId: id,
    movements: z.number().int(),
  }),
  'count.task_created': z.object({ taskId: id, locationId: id, skuId: z.string().nullable(), kind: z.string(), blind: z.boolean() }),
  'count.recount_requested': z.object({ taskId: id, round: z.number().int(), varianceQty: z.number().int() }),
  'count.submitted': z.object({ taskId: id, round: z.number().int(), status: z.string() }),
  'count.completed': z.object({
    taskId: id,
    locationId: id,
    adjustments: z.number().int(),
    netVarianceQty: z.number().int(),
    approvedBy: z.string().nullable(),
  }),
  'layout.locations_created': z.object({ count: z.number().int(), pattern: z.string().optional() }),
} satisfies Record<string, z.ZodType>;
