import { parseScan } from '../../../domain/scanning/scan-parser.js';
import { isScanError } from '../../../domain/scanning/scan-error.js';
import type { ScanResult } from '../../../domain/scanning/scanning.schemas.js';

export type { ScanResult };
const GS = '\x1d';
// AIs whose appearance inside another element's value makes a lost separator ambiguous.
const SPLIT_AIS = /^(1[1-7]|0[12]|21|10|30|37|310\d|7003)/;

export type Readings = { ok: true; readings: ScanResult[] } | { ok: false; detail: string };

/**
 * Every plausible reading of a scan. A GS1 string that arrives without GS (separator lost, or a lot
 * that happens to contain an AI) can split differently; each split that parses is returned so the
 * worker chooses — the console never guesses.
 */
export function readScan(raw: string, opts: { gsChar?: string } = {}): Readings {
  let first: ScanResult;
  try {
    first = parseScan(raw, { fnc1Substitute: opts.gsChar || undefined, now: new Date() });
  } catch (e) {
    if (isScanError(e)) return { ok: false, detail: e.detail };
    throw e;
  }
  const out = [first];
  if (first.kind !== 'gs1' || raw.includes(GS) || (opts.gsChar && raw.includes(opts.gsChar))) return { ok: true, readings: out };
  const prefix = /^\][A-Za-z]\d/.exec(raw)?.[0] ?? '';
  const data = raw.slice(prefix.length);
  const seen = new Set([key(first)]);
  for (let i = 2; i < data.length - 2; i++) {
    if (!SPLIT_AIS.test(data.slice(i))) continue;
    try {
      const r = parseScan(prefix + data.slice(0, i) + GS + data.slice(i), { now: new Date() });
      const k = key(r);
      if (r.kind === 'gs1' && Object.keys(r.ais).length > Object.keys(first.ais).length && !seen.has(k)) {
        seen.add(k);
        out.push(r);
      }
    } catch {
      // that split does not parse: not a reading
    }
  }
  return { ok: true, readings: out };
}

const key = (r: ScanResult) => JSON.stringify(Object.entries(r.ais).sort());

/** What a scan names as plain text: location code, LPN, SKU code or barcode (upper-cased for labels). */
export function codeOf(r: ScanResult, raw: string): string {
  return (r.location ?? r.lpn ?? r.sku ?? r.sscc ?? raw).trim();
}

/** The GTIN-14 of a barcode as printed (8/12/13/14 digits), else undefined. */
export function gtin14(code: string): string | undefined {
  return /^\d{8}$|^\d{12,14}$/.test(code) ? code.padStart(14, '0') : undefined;
}

/** Human summary of a reading, for the chooser: "GTIN 0400… · lot A17 · expiry 2027-01-01". */
export function describeReading(r: ScanResult): string {
  // In AI order (an object lists "10" before "01": integer-like keys come first).
  return Object.entries(r.ais)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ai, v]) => `(${ai}) ${v}`)
    .join('  ');
}
