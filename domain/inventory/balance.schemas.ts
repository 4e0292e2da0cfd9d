/**
 * The balance view and the scan-match view (a scan's SKU, location or LPN with its balances): zod only, so the
 * handheld console can take their types without reaching the inventory services. inventory.schemas.ts re-exports them.
 */
import { z } from 'zod';

export const balanceView = z.object({
  id: z.string(),
  locationId: z.string(),
  locationCode: z.string(),
  skuId: z.string(),
  skuCode: z.string(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  lpnId: z.string().nullable(),
  lpnCode: z.string().nullable(),
  status: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  updatedAt: z.string(),
});
export type BalanceView = z.infer<typeof balanceView>;
/** What a scan names in the warehouse (POST /v1/scans/resolve): the SKU, location or LPN, with its stock. */
export const scanMatchView = z.object({
  kind: z.enum(['sku', 'location', 'lpn', 'none']),
  sku: z
    .object({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      uomLevel: z.string(),
      qtyEach: z.number(),
      trackLot: z.boolean(),
      trackExpiry: z.boolean(),
      trackSerial: z.boolean(),
    })
    .optional(),
  location: z.object({ id: z.string(), code: z.string(), type: z.string() }).optional(),
  lpn: z
    .object({ id: z.string(), code: z.string(), sscc: z.string().nullable(), type: z.string(), locationId: z.string().nullable() })
    .optional(),
  totals: z.object({ onHand: z.number(), reserved: z.number(), available: z.number() }).optional(),
  stock: z.array(balanceView),
});
export type ScanMatch = z.infer<typeof scanMatchView>;
