import { z } from 'zod';
import { asnLifecycle } from './asn.lifecycle.js';

/** Shapes of the inbound API (contract of issue 12: extend, never rename). */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const sscc = z.string().regex(/^\d{18}$/, '18 digits');

export const asnLineInput = z.object({
  sku: z.string().min(1).max(64).describe('SKU code'),
  qty: z.number().int().positive().max(10_000_000),
  lot: z.string().min(1).max(40).optional(),
  expiry: isoDate.optional(),
  sscc: sscc.optional().describe('SSCC of the pallet this line arrives on'),
});

export const createAsnBody = z.object({
  warehouseId: z.uuid(),
  reference: z.string().min(1).max(80),
  supplier: z.object({ name: z.string().min(1).max(200) }),
  expectedAt: z.iso.datetime({ offset: true }).optional(),
  poReference: z.string().min(1).max(80).optional().describe('Purchase order this ASN ships against (same warehouse)'),
  dockDoor: z.string().min(1).max(40).optional().describe('Code of the dock location the goods are received at'),
  lines: z.array(asnLineInput).min(1).max(5000),
});
export type CreateAsnInput = z.infer<typeof createAsnBody>;

export const asnLineView = z.object({
  id: z.string(),
  sku: z.string(),
  skuId: z.string(),
  qtyExpected: z.number().int(),
  qtyReceived: z.number().int(),
  qtyDamaged: z.number().int(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  sscc: z.string().nullable(),
  lpnId: z.string().nullable(),
  unexpected: z.boolean(),
});

export const discrepancyView = z.object({
  sku: z.string(),
  kind: z.enum(['short', 'over', 'unexpected', 'damaged']),
  expected: z.number().int(),
  received: z.number().int(),
  lot: z.string().nullable().optional(),
  photoUrls: z.array(z.string()).optional(),
});
export type Discrepancy = z.infer<typeof discrepancyView>;

export const asnView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  reference: z.string(),
  supplier: z.object({ id: z.string(), name: z.string() }),
  status: asnLifecycle.schema,
  expectedAt: z.string().nullable(),
  dockDoor: z.string().nullable(),
  dockLocationId: z.string().nullable(),
  arrivedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  stockedAt: z.string().nullable(),
  dockToStockS: z.number().int().nullable().describe('First receipt scan to the last putaway (seconds); null until stocked'),
  lines: z.array(asnLineView),
  discrepancies: z.array(discrepancyView).optional(),
});
export type AsnView = z.infer<typeof asnView>;

export const receiveBody = z.object({
  raw: z.string().min(1).max(4096).describe('The scan as the scanner sent it: SSCC, GS1 case label, GTIN or SKU code'),
  qty: z.number().int().positive().max(1_000_000).optional().describe('How many of the scanned unit (GTIN + count); default 1'),
  locationId: z.uuid().optional().describe('Where the goods land (default: the ASN dock location, else the first dock)'),
  damaged: z.boolean().optional().describe('The scanned units are damaged: received as damaged stock and reported'),
  photoUrl: z.url().max(2000).optional(),
  note: z.string().max(500).optional(),
});
export type ReceiveInput = z.infer<typeof receiveBody>;

export const receivedView = z.object({
  skuId: z.string(),
  sku: z.string(),
  qty: z.number().int(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  status: z.string(),
  lineId: z.string(),
});
export const receiveView = asnView.extend({
  lpnId: z.string().optional(),
  received: z.array(receivedView),
  putawayTaskIds: z.array(z.string()).optional(),
});
export type ReceiveView = z.infer<typeof receiveView>;

export const closeView = asnView.extend({
  status: z.literal('closed'),
  discrepancies: z.array(discrepancyView),
});

export const supplierBody = z.object({
  name: z.string().min(1).max(200),
  code: z.string().min(1).max(40).optional(),
  leadTimeDays: z.number().int().min(0).max(365).optional(),
});
export const supplierView = z.object({ id: z.string(), name: z.string(), code: z.string().nullable(), leadTimeDays: z.number().int() });

export const purchaseOrderBody = z.object({
  warehouseId: z.uuid(),
  reference: z.string().min(1).max(80),
  supplier: z.object({ name: z.string().min(1).max(200) }),
  expectedAt: z.iso.datetime({ offset: true }).optional(),
  lines: z
    .array(z.object({ sku: z.string().min(1).max(64), qty: z.number().int().positive() }))
    .min(1)
    .max(5000),
});
export const purchaseOrderView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  reference: z.string(),
  supplier: z.object({ id: z.string(), name: z.string() }),
  status: z.string(),
  expectedAt: z.string().nullable(),
  lines: z.array(z.object({ id: z.string(), sku: z.string(), qtyOrdered: z.number().int(), qtyReceived: z.number().int() })),
});

export const appointmentBody = z.object({
  warehouseId: z.uuid(),
  dockDoor: z.string().min(1).max(40),
  asnId: z.uuid().optional(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});
export const appointmentView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  dockDoor: z.string(),
  asnId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.string(),
});

/** PUT /v1/catalog/skus/:idOrCode/inspection: receipts of a flagged SKU go to a quality hold. */
export const inspectionBody = z
  .object({
    requiresInspection: z.boolean(),
    /** Why (kept in the audit log), e.g. "supplier complaint 2026-11". */
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export const inspectionView = z.object({ skuId: z.string(), sku: z.string(), requiresInspection: z.boolean(), changed: z.boolean() });
