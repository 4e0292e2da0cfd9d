/**
 * zod shapes of the inventory commands and views (request validation, types and OpenAPI). Each view's TypeScript type is
 * inferred here from its schema, so what a service returns and what the API documents are one shape.
 */
import { cursorParam } from '../shared/cursor.js';
import { z } from 'zod';
import { MOVEMENT_TYPES, STOCK_STATUSES, VIRTUAL_LOCATIONS } from './ledger.types.js';
import { releaseReasonSchema } from './movement-policy.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-mm-dd');
export const stockKeySchema = z.object({
  locationId: z.uuid(),
  lot: z.string().max(64).nullable().optional(),
  expiry: isoDate.nullable().optional(),
  lpnId: z.uuid().nullable().optional(),
  status: z.enum(STOCK_STATUSES).optional(),
});

export const postMovementBody = z.object({
  warehouseId: z.uuid(),
  type: z.enum(MOVEMENT_TYPES),
  skuId: z.uuid(),
  qty: z.number().int().positive().max(10_000_000),
  from: stockKeySchema.optional(),
  to: stockKeySchema.optional(),
  fromVirtual: z.enum(VIRTUAL_LOCATIONS).optional(),
  toVirtual: z.enum(VIRTUAL_LOCATIONS).optional(),
  /** Required for receipt, return, adjust, count and scrap: one of MOVEMENT_REASON_CODES[type]. */
  reasonCode: z.string().max(64).optional(),
  refType: z.string().max(64).optional(),
  refId: z.string().max(128).optional(),
});
export const movementView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  skuId: z.string(),
  qty: z.number(),
  fromBalanceId: z.string().nullable(),
  toBalanceId: z.string().nullable(),
  fromLocationId: z.string().nullable(),
  toLocationId: z.string().nullable(),
  createdAt: z.string(),
});
export type Movement = z.infer<typeof movementView>;

export const reserveBody = z.object({
  warehouseId: z.uuid(),
  skuId: z.uuid(),
  qty: z.number().int().positive().max(10_000_000),
  refType: z.string().min(1).max(64),
  refId: z.string().min(1).max(128),
  locationId: z.uuid().optional(),
  lot: z.string().max(64).optional(),
  minExpiryDate: isoDate.optional(),
  allowPartial: z.boolean().optional(),
  excludeLocationIds: z.array(z.uuid()).max(500).optional(),
});
export const reservationView = z.object({
  id: z.string(),
  balanceId: z.string(),
  locationId: z.string(),
  locationCode: z.string(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  qty: z.number(),
});
export type Reservation = z.infer<typeof reservationView>;
export const reserveResultView = z.object({ reservations: z.array(reservationView), shortQty: z.number() });
export type ReserveResult = z.infer<typeof reserveResultView>;
export const releaseBody = z
  .object({ reasonCode: releaseReasonSchema })
  .and(
    z.union([
      z.object({ refType: z.string().min(1), refId: z.string().min(1) }),
      z.object({ reservationIds: z.array(z.uuid()).min(1).max(1000) }),
    ]),
  );
export const consumeBody = z.object({
  qty: z.number().int().min(0),
  to: stockKeySchema,
  /** Consuming a reservation moves stock on towards the customer; it never writes stock off (no adjust/scrap). */
  type: z.enum(['pick', 'pack', 'ship', 'move']).optional(),
  keepRemainder: z.boolean().optional(),
});

export { balanceView, scanMatchView, type BalanceView, type ScanMatch } from './balance.schemas.js';
export const skuStockView = z.object({
  skuId: z.string(),
  skuCode: z.string(),
  name: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  quarantined: z.number(),
  damaged: z.number(),
  locations: z.number(),
});
export type SkuStockView = z.infer<typeof skuStockView>;
export const asOfView = z.object({
  balanceId: z.string(),
  locationId: z.string(),
  locationCode: z.string(),
  skuId: z.string(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  lpnId: z.string().nullable(),
  status: z.string(),
  onHand: z.number(),
});
export type AsOfView = z.infer<typeof asOfView>;
export const movementHistoryView = z.object({
  id: z.string(),
  type: z.string(),
  skuId: z.string(),
  skuCode: z.string(),
  qty: z.number(),
  fromLocationId: z.string().nullable(),
  fromLocationCode: z.string().nullable(),
  fromVirtual: z.string().nullable(),
  toLocationId: z.string().nullable(),
  toLocationCode: z.string().nullable(),
  toVirtual: z.string().nullable(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  reasonCode: z.string().nullable(),
  userId: z.string().nullable(),
  deviceId: z.string().nullable(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  createdAt: z.string(),
});
export type MovementView = z.infer<typeof movementHistoryView>;
export const lowStockView = z.object({
  skuId: z.string(),
  skuCode: z.string(),
  name: z.string(),
  minStockQty: z.number(),
  available: z.number(),
  shortQty: z.number(),
});

export const holdBody = z.object({
  warehouseId: z.uuid().nullable().optional(),
  skuId: z.uuid(),
  lot: z.string().max(64).nullable().optional(),
  locationId: z.uuid().nullable().optional(),
  reason: z.string().min(1).max(500),
});
export const holdView = z.object({
  id: z.string(),
  warehouseId: z.string().nullable(),
  skuId: z.string(),
  lot: z.string().nullable(),
  locationId: z.string().nullable(),
  reason: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
});
export type HoldView = z.infer<typeof holdView>;

export const lpnView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  code: z.string(),
  sscc: z.string().nullable(),
  type: z.string(),
  parentId: z.string().nullable(),
  locationId: z.string().nullable(),
  locationCode: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
});
export type LpnView = z.infer<typeof lpnView>;
export const createLpnBody = z.object({
  warehouseId: z.uuid(),
  type: z.enum(['pallet', 'tote', 'carton', 'case']).default('pallet'),
  locationId: z.uuid().optional(),
  parentId: z.uuid().optional(),
  sscc: z
    .string()
    .regex(/^\d{18}$/)
    .optional(),
  code: z
    .string()
    .regex(/^LPN\d+$/)
    .optional(),
});

export { countTaskView, type CountTaskView } from './count.schemas.js';
export const createCountsBody = z.object({
  warehouseId: z.uuid(),
  kind: z.enum(['location', 'sku', 'abc']),
  locationIds: z.array(z.uuid()).max(1000).optional(),
  skuId: z.uuid().optional(),
  maxSkus: z.number().int().min(1).max(1000).optional(),
  blind: z.boolean().optional(),
  varianceThresholdPct: z.number().min(0).max(1000).optional(),
  varianceThresholdQty: z.number().int().min(0).optional(),
});
export const submitCountBody = z.object({
  lines: z
    .array(
      z.object({
        skuId: z.uuid(),
        lot: z.string().max(64).nullable().optional(),
        expiry: isoDate.nullable().optional(),
        lpnId: z.uuid().nullable().optional(),
        qty: z.number().int().min(0),
      }),
    )
    .max(1000),
});

export const pageQuery = { cursor: cursorParam, limit: z.coerce.number().int().min(1).max(500).default(50) };
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
