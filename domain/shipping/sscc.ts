import { gs1CheckDigit } from '../scanning/check-digit.js';

/**
 * SSCC (GS1 General Specifications §2.2.1, AI 00): extension digit + GS1 Company Prefix + serial reference
 * (prefix and serial always 16 digits together) + GS1 mod-10 check digit = 18 digits.
 * The serial comes from a database sequence, so it never repeats (GS1: no reuse for at least a year).
 */
export function buildSscc(extension: number, companyPrefix: string, serial: number | bigint): string {
  if (!Number.isInteger(extension) || extension < 0 || extension > 9) throw new RangeError('SSCC extension digit must be 0-9');
  if (!/^\d{7,10}$/.test(companyPrefix)) throw new RangeError('GS1 company prefix must be 7-10 digits');
  const width = 16 - companyPrefix.length;
  const s = BigInt(serial).toString();
  if (BigInt(serial) < 0n || s.length > width)
    throw new RangeError(`SSCC serial ${s} does not fit ${width} digits of company prefix ${companyPrefix}`);
  const body = `${extension}${companyPrefix}${s.padStart(width, '0')}`;
  return body + gs1CheckDigit(body);
}

/** A carrier-style tracking number: the carrier's prefix, the 10-digit serial and a mod-10 check digit. */
export function trackingNumber(prefix: string, serial: number | bigint): string {
  const digits = BigInt(serial).toString().padStart(10, '0');
  return `${prefix}${digits}${gs1CheckDigit(digits)}`;
}
