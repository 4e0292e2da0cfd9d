/** Shapes of the catalog: SKU commands and views (request validation, types and OpenAPI come from here). */
import { z } from 'zod';
import { isValidGtin } from '../scanning/index.js';

export const UOM_LEVELS = ['each', 'inner', 'case', 'pallet'] as const;
export const STORAGE_CONDITIONS = ['ambient', 'chilled', 'frozen'] as const;

const mm = z.number().int().min(0).max(100_000);
export const gtinSchema = z
  .string()
  .regex(/^(\d{8}|\d{12,14})$/, 'GTIN-8, -12, -13 or -14 digits')
  .refine(isValidGtin, 'bad GTIN check digit');

export const uomSchema = z.object({
  level: z.enum(UOM_LEVELS),
  qtyEach: z.number().int().min(1).max(1_000_000),
  gtin: gtinSchema.nullable().optional(),
  lengthMm: mm.default(0),
  widthMm: mm.default(0),
  heightMm: mm.default(0),
  weightG: z.number().int().min(0).max(10_000_000).default(0),
});

const skuFields = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/, 'letters, digits, . _ - /; up to 64'),
  name: z.string().min(1).max(200),
  /** Translations by BCP 47 language tag, e.g. {"de": "Schraube", "fr": "Vis"}. */
  nameI18n: z.record(z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/), z.string().min(1).max(200)).default({}),
  category: z.string().max(100).nullable().optional(),
  lengthMm: mm.default(0),
  widthMm: mm.default(0),
  heightMm: mm.default(0),
  weightG: z.number().int().min(0).max(10_000_000).default(0),
  trackLot: z.boolean().default(false),
  trackExpiry: z.boolean().default(false),
  trackSerial: z.boolean().default(false),
  shelfLifeDays: z.number().int().min(1).max(36_500).nullable().optional(),
  hazmatClass: z
    .string()
    .regex(/^[1-9](\.[1-6])?[A-Z]?$/, 'UN hazard class like 3, 2.1, 4.3')
    .nullable()
    .optional(),
  storageCondition: z.enum(STORAGE_CONDITIONS).default('ambient'),
  velocityClass: z.enum(['A', 'B', 'C']).nullable().optional(),
  minStockQty: z.number().int().min(0).default(0),
  fragile: z.boolean().default(false),
  /** Pack hierarchy above each; `each` is derived from the SKU's own dimensions when absent. */
  uoms: z.array(uomSchema).max(4).default([]),
  /** Internal (non-GTIN) barcodes of the each level. */
  barcodes: z.array(z.string().min(1).max(64)).max(20).default([]),
  active: z.boolean().default(true),
});

function checkSku(s: Pick<z.infer<typeof skuFields>, 'uoms' | 'trackExpiry' | 'shelfLifeDays'>, ctx: z.RefinementCtx) {
  const levels = new Set<string>();
  let prev = 0;
  const sorted = [...s.uoms].sort((a, b) => UOM_LEVELS.indexOf(a.level) - UOM_LEVELS.indexOf(b.level));
  for (const u of sorted) {
    if (levels.has(u.level)) ctx.addIssue({ code: 'custom', path: ['uoms'], message: `level ${u.level} appears twice` });
    levels.add(u.level);
    if (u.level === 'each' && u.qtyEach !== 1) ctx.addIssue({ code: 'custom', path: ['uoms'], message: 'each level holds exactly 1' });
    if (u.qtyEach <= prev) ctx.addIssue({ code: 'custom', path: ['uoms'], message: `${u.level} must hold more than the level below it` });
    prev = u.qtyEach;
  }
  if (s.trackExpiry && !s.shelfLifeDays)
    ctx.addIssue({ code: 'custom', path: ['shelfLifeDays'], message: 'expiry-tracked SKUs need a shelf life' });
}

export const skuInput = skuFields.superRefine(checkSku);
/** PUT body: the code comes from the path. */
export const skuBody = skuFields.omit({ code: true }).superRefine(checkSku);
export type SkuInput = z.infer<typeof skuInput>;

export const skuView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameI18n: z.record(z.string(), z.string()),
  category: z.string().nullable(),
  lengthMm: z.number(),
  widthMm: z.number(),
  heightMm: z.number(),
  weightG: z.number(),
  trackLot: z.boolean(),
  trackExpiry: z.boolean(),
  trackSerial: z.boolean(),
  shelfLifeDays: z.number().nullable(),
  hazmatClass: z.string().nullable(),
  storageCondition: z.string(),
  velocityClass: z.string().nullable(),
  minStockQty: z.number(),
  fragile: z.boolean(),
  /** Receipts go to a quality hold (set with PUT /v1/catalog/skus/:idOrCode/inspection). */
  requiresInspection: z.boolean(),
  active: z.boolean(),
  uoms: z.array(
    z.object({
      level: z.string(),
      qtyEach: z.number(),
      gtin: z.string().nullable(),
      lengthMm: z.number(),
      widthMm: z.number(),
      heightMm: z.number(),
      weightG: z.number(),
    }),
  ),
  barcodes: z.array(z.object({ barcode: z.string(), kind: z.string(), uomLevel: z.string() })),
});
export type SkuView = z.infer<typeof skuView>;
