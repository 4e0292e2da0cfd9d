// One entry point for whatever a handheld scanner sends: AIM prefix → GS1 element string (FNC1 as
// GS or a substitute), bracketed GS1 text, GS1 Digital Link URI, our LPN and location codes, plain
// GTIN / SSCC digits, else an `unknown` SKU candidate. Pure: no I/O and no clock (pass `now`).
import { AI_TABLE, lookupAiAt } from './ai-table.js';
import type { Gs1Element } from './ai-value.js';
import { hasValidCheckDigit, isValidGtin, isValidSscc, toGtin14 } from './check-digit.js';
import { looksLikeUri, parseDigitalLink } from './digital-link.js';
import { GS, parseBracketForm, splitElementString } from './element-string.js';
import { DEFAULT_REFERENCE_YEAR } from './gs1-dates.js';
import { ScanError, isScanError } from './scan-error.js';
import type { ScanKind, ScanResult } from './scanning.schemas.js';
import { expandUpcE, splitSymbology } from './symbology.js';

export interface ParseScanOptions {
  /**
   * What some keyboard-wedge scanners send instead of GS for FNC1 (e.g. "~", "|", "^"); pick one outside
   * GS1 CSET 82. Error positions count it as one character.
   */
  fnc1Substitute?: string;
  /** Our location codes; default aisle-bay-level-position like A-01-02-03. */
  locationPattern?: RegExp;
  /** Our license plates; default LPN followed by digits. */
  lpnPattern?: RegExp;
  /** Reference for the two-digit-year window (GS1 §7.12); defaults to year DEFAULT_REFERENCE_YEAR. */
  now?: Date;
}

export const DEFAULT_LOCATION_PATTERN = /^[A-Z][A-Z0-9]{0,2}-\d{2,3}-\d{2}-\d{2}$/;
export const DEFAULT_LPN_PATTERN = /^LPN\d+$/;

// Visible stand-in for GS (U+241D) that some apps and wedge profiles emit; never valid GS1 data.
const GS_SYMBOL = '\u241d';

// AIs that identify something on their own: a heuristic GS1 parse with one of them is convincing.
const KEY_AIS = new Set([
  '02',
  '03',
  '410',
  '411',
  '412',
  '413',
  '415',
  '416',
  ...[...AI_TABLE.values()].filter((d) => d.dlQualifiers).map((d) => d.ai),
]);

interface Ctx {
  /** The data as received, before FNC1 substitutes were turned into GS. */
  received: string;
  base: number;
  referenceYear: number;
  symbology?: string;
  opts: ParseScanOptions;
}

function matches(re: RegExp, s: string): boolean {
  re.lastIndex = 0; // a /g or /y pattern would otherwise remember the previous scan
  return re.test(s);
}

// Grams per unit of the net-weight AI families: kg, lb (exactly 453.59237 g), troy oz (31.1034768 g).
const NET_WEIGHT_G_PER_UNIT: Readonly<Record<string, number>> = { '310': 1000, '320': 453.59237, '356': 31.1034768 };

/** Map validated elements to the scan result (every element also lands in `ais`). */
export function resultFromElements(kind: ScanKind, els: Gs1Element[], symbology?: string): ScanResult {
  const ais: Record<string, string> = {};
  const r: ScanResult = { kind, ais };
  let netWeightG: number | undefined;
  for (const e of els) {
    ais[e.ai] = e.value;
    if (e.ai === '17') r.expiry = e.date;
    else if (e.ai === '15') r.bestBefore = e.date;
    else if (e.ai === '11') r.productionDate = e.date;
    const gPerUnit = e.ai.length === 4 ? NET_WEIGHT_G_PER_UNIT[e.ai.slice(0, 3)] : undefined;
    if (gPerUnit !== undefined && netWeightG === undefined) netWeightG = Math.round((Number(e.value) * gPerUnit) / 10 ** Number(e.ai[3]));
  }
  const gtin = ais['01'] ?? ais['02'] ?? ais['03'];
  if (gtin !== undefined) r.gtin = gtin;
  if (ais['00'] !== undefined) r.sscc = ais['00'];
  if (ais['10'] !== undefined) r.lot = ais['10'];
  if (ais['21'] !== undefined) r.serial = ais['21'];
  const qty = ais['37'] ?? ais['30'];
  if (qty !== undefined) r.quantity = Number(qty);
  if (netWeightG !== undefined) r.netWeightG = netWeightG;
  if (symbology) r.symbology = symbology;
  return r;
}

function gtinResult(gtin: string, ctx: Ctx): ScanResult {
  const gtin14 = toGtin14(gtin);
  const r: ScanResult = { kind: 'gtin', gtin: gtin14, ais: { '01': gtin14 } };
  if (ctx.symbology) r.symbology = ctx.symbology;
  return r;
}

function strictGtin(data: string, ctx: Ctx, what: string, upcE = false): ScanResult {
  const digits = upcE && data.length === 8 ? expandUpcE(data) : data;
  if (digits === undefined || !/^(\d{8}|\d{12,14})$/.test(digits))
    throw new ScanError(
      'invalid-format',
      `${what} (${ctx.symbology}) at position ${ctx.base} must be 8, 12, 13 or 14 digits, got "${data}"`,
      { position: ctx.base },
    );
  if (!hasValidCheckDigit(digits))
    throw new ScanError('bad-check-digit', `${what} (${ctx.symbology}) at position ${ctx.base}: check digit of ${data} is wrong`, {
      position: ctx.base,
    });
  return gtinResult(digits, ctx);
}

/**
 * Element string without any GS1 evidence (wedge scanners are often set to strip the AIM identifier):
 * GS1 when the whole string splits into known AIs with valid values and check digits. The caller
 * marks the result `inferred`, and the resolver lets an exact SKU / barcode / location / LPN match win.
 */
function heuristicGs1(data: string, ctx: Ctx): Gs1Element[] | undefined {
  if (!/^\d\d/.test(data)) return undefined;
  // 00 + 18 digits or 01/02/03 + 14 digits is a GS1 message beyond reasonable doubt: report its errors.
  const committed = /^(00\d{18}|0[123]\d{14})/.test(data);
  try {
    const els = splitElementString(data, { base: ctx.base, referenceYear: ctx.referenceYear });
    if (AI_TABLE.get(els[0].ai)!.predefined) return els;
    for (const e of els) if (KEY_AIS.has(e.ai)) return els;
    // Digits of a GTIN's length that failed the GTIN check are a misread GTIN far more often than,
    // say, an order number (AI 400) that happens to fill the same length.
    if (/^\d+$/.test(data) && [8, 12, 13, 14].includes(data.length)) return undefined;
    return els;
  } catch (err) {
    if (committed || !isScanError(err)) throw err;
    return undefined;
  }
}

function unknownResult(data: string, ctx: Ctx): ScanResult {
  const r: ScanResult = { kind: 'unknown', sku: data, ais: {} };
  if (ctx.symbology) r.symbology = ctx.symbology;
  return r;
}

function classify(data: string, ctx: Ctx): ScanResult {
  const split = { base: ctx.base, referenceYear: ctx.referenceYear };
  if (data.includes(GS)) {
    // A GS that only a substitute produced, in text that does not even start with an AI, was
    // plain text containing that character (e.g. "SKU^1" with "^" configured): classify it as sent.
    if (!ctx.received.includes(GS) && lookupAiAt(ctx.received, 0) === undefined) return classify(ctx.received, ctx);
    return resultFromElements('gs1', splitElementString(data, split), ctx.symbology);
  }
  if (/^\(\d{2,4}\)/.test(data)) return resultFromElements('gs1', parseBracketForm(data, split), ctx.symbology);
  if (looksLikeUri(data)) {
    try {
      return resultFromElements('digital_link', parseDigitalLink(data, split), ctx.symbology);
    } catch (err) {
      if (isScanError(err, 'invalid-digital-link')) return unknownResult(data, ctx);
      throw err;
    }
  }
  const o = ctx.opts;
  if (matches(o.lpnPattern ?? DEFAULT_LPN_PATTERN, data))
    return { kind: 'lpn', lpn: data, ais: {}, ...(ctx.symbology ? { symbology: ctx.symbology } : {}) };
  if (matches(o.locationPattern ?? DEFAULT_LOCATION_PATTERN, data))
    return { kind: 'location', location: data, ais: {}, ...(ctx.symbology ? { symbology: ctx.symbology } : {}) };
  if (/^\d+$/.test(data)) {
    if (isValidGtin(data)) return gtinResult(data, ctx);
    if (isValidSscc(data)) {
      const r: ScanResult = { kind: 'sscc', sscc: data, ais: { '00': data } };
      if (ctx.symbology) r.symbology = ctx.symbology;
      return r;
    }
  }
  const els = heuristicGs1(data, ctx);
  // An inferred reading keeps the text as `sku` too: it may still be one of our own codes.
  return els ? { ...resultFromElements('gs1', els, ctx.symbology), inferred: true, sku: data } : unknownResult(data, ctx);
}

/**
 * Parse one scan. Returns what it is (kind) with the fields the warehouse needs; throws ScanError
 * (stable `code`, human `detail`) when the scan claims to be GS1/GTIN/Digital Link but is malformed.
 * Plain text that is none of these is never an error: it comes back as kind `unknown`, `sku` = text.
 */
export function parseScan(raw: string, opts: ParseScanOptions = {}): ScanResult {
  // Scanners end scans with CR/LF/TAB; whitespace is outside CSET 82 so trimming never eats data.
  const lead = raw.length - raw.trimStart().length;
  const s = raw.trim();
  if (s === '') throw new ScanError('empty', 'the scan is empty');
  const { symbology, family, data: received } = splitSymbology(s);
  let data = received;
  if (opts.fnc1Substitute) data = data.split(opts.fnc1Substitute).join(GS);
  if (data.includes(GS_SYMBOL)) data = data.split(GS_SYMBOL).join(GS);
  const ctx: Ctx = {
    received,
    base: lead + (symbology ? symbology.length : 0),
    referenceYear: opts.now ? opts.now.getUTCFullYear() : DEFAULT_REFERENCE_YEAR,
    symbology,
    opts,
  };
  if (data === '' || data === GS)
    throw new ScanError('empty', symbology ? `the scan holds only the symbology identifier ${symbology}` : 'the scan holds no data');
  switch (family) {
    case 'gs1':
      // A GS1 Digital Link URI behind a GS1 identifier: QR readers report ]Q1 for it (no FNC1), but some
      // report ]Q3 for any GS1-looking QR. An element string starts with an AI (digits), never "http".
      if (looksLikeUri(data)) return resultFromElements('digital_link', parseDigitalLink(data, ctx), symbology);
      return resultFromElements('gs1', splitElementString(data, ctx), symbology);
    case 'ean': {
      // ]E3 appends a 2- or 5-digit add-on (issue/price); the item is the leading EAN-13 or EAN-8.
      const main = symbology === ']E3' ? data.slice(0, data.length === 15 || data.length === 18 ? 13 : 8) : data;
      return strictGtin(main, ctx, 'EAN/UPC', symbology === ']E0');
    }
    case 'itf':
      if (/^\d{14}$/.test(data)) return strictGtin(data, ctx, 'ITF-14');
      return classify(data, ctx);
    default:
      return classify(data, ctx);
  }
}
