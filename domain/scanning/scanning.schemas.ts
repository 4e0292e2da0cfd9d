// Shapes of the scan-parse command and its result: request validation, TypeScript types and the
// OpenAPI document of POST /v1/scans/parse all come from here.
import { z } from 'zod';
import { SCAN_ERROR_CODES } from './scan-error.js';

export const SCAN_KINDS = ['gs1', 'gtin', 'sscc', 'location', 'lpn', 'digital_link', 'unknown'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const ScanRequestSchema = z.object({
  /** Exactly what the scanner sent (AIM prefix, GS characters and all). */
  raw: z.string().max(4096),
});

export const ScanResultSchema = z.object({
  kind: z.enum(SCAN_KINDS),
  /** GTIN-14 (GTIN-8/12/13 are left-padded with zeros). From AI 01, else 02, else 03. */
  gtin: z
    .string()
    .regex(/^\d{14}$/)
    .optional(),
  /** Candidate internal SKU barcode: the scan as received, for kind `unknown` and for an `inferred` GS1 reading. */
  sku: z.string().optional(),
  lot: z.string().optional(),
  /** AI 17, ISO date; DD=00 already resolved to the last day of the month. */
  expiry: isoDate.optional(),
  /** AI 15. */
  bestBefore: isoDate.optional(),
  /** AI 11. */
  productionDate: isoDate.optional(),
  serial: z.string().optional(),
  sscc: z
    .string()
    .regex(/^\d{18}$/)
    .optional(),
  /** AI 37 (count of trade items), else AI 30 (variable count). */
  quantity: z.number().int().nonnegative().optional(),
  /** AI 310n (kg), 320n (lb) or 356n (troy oz) converted to whole grams. */
  netWeightG: z.number().int().nonnegative().optional(),
  location: z.string().optional(),
  lpn: z.string().optional(),
  /** Every element received, AI → value as encoded (decimals implied, dates as YYMMDD). */
  ais: z.record(z.string(), z.string()),
  /** AIM symbology identifier the scanner prefixed, e.g. "]C1". */
  symbology: z.string().optional(),
  /**
   * True when nothing but the content says GS1 (no AIM identifier, no GS, no brackets): the whole
   * string parsed as an element string with valid check digits. /v1/scans/resolve lets an exact SKU,
   * barcode, location or LPN match on the text win over this reading.
   */
  inferred: z.boolean().optional(),
});

export type ScanRequest = z.infer<typeof ScanRequestSchema>;
export type ScanResult = z.infer<typeof ScanResultSchema>;
export type ScanKind = ScanResult['kind'];

/** Body of the problem+json a rejected scan maps to (the `errors` member carries this). */
export const ScanProblemSchema = z.object({
  code: z.enum(SCAN_ERROR_CODES),
  detail: z.string(),
  ai: z.string().optional(),
  position: z.number().int().optional(),
});
