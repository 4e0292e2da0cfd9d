import { z } from 'zod';

/** Domain events of receiving and putaway: `context.noun.pastVerb` → payload schema. */
const id = z.string().min(1);
const discrepancy = z.object({
  sku: z.string(),
  kind: z.enum(['short', 'over', 'unexpected', 'damaged']),
  expected: z.number().int(),
  received: z.number().int(),
  lot: z.string().nullable().optional(),
  photoUrls: z.array(z.string()).optional(),
});

export const receivingEvents = {
  'asn.created': z.object({ asnId: id, reference: z.string(), supplierId: id, lineCount: z.number().int() }),
  /** One receiving scan booked stock (a whole pallet or some units of an item). */
  'asn.received': z.object({
    asnId: id,
    reference: z.string(),
    lpnId: id.nullable(),
    locationId: id,
    items: z.array(z.object({ skuId: id, qty: z.number().int().positive(), lot: z.string().nullable(), status: z.string() })),
  }),
  /** The receipt is closed: over/short/damaged/unexpected quantities go to purchasing and the supplier (webhook). */
  'asn.closed': z.object({
    asnId: id,
    reference: z.string(),
    supplier: z.string(),
    discrepancies: z.array(discrepancy),
    closedAt: z.string(),
  }),
  /** Everything received on the ASN is put away: dock-to-stock time is known. */
  'asn.stocked': z.object({ asnId: id, reference: z.string(), dockToStockS: z.number().int().nonnegative() }),
} satisfies Record<string, z.ZodType>;
