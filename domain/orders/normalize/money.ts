import { z } from 'zod';
/**
 * Money in integer minor units. Exponents from ISO 4217 (currencies whose minor unit is not 2).
 * Decimal strings are converted exactly (no floating point); extra digits round half away from zero.
 */
const EXPONENT: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Number of minor-unit digits of an ISO 4217 code (2 unless listed). */
export function currencyExponent(currency: string): number {
  return EXPONENT[currency.toUpperCase()] ?? 2;
}

/** A plain decimal amount as a storefront writes it ("394.00", "-5", ".5"), sign, integer part and fraction. */
const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;
const isDecimal = (s: string) => {
  const m = DECIMAL.exec(s.trim());
  return s === '' || (!!m && (m[2] !== '' || !!m[3]));
};

/**
 * An amount field of a storefront body: a number, or a string toMinor can read (empty = 0). In the storefront
 * schemas, so a body with an unreadable amount is refused naming the field, at the webhook edge as by the importer.
 */
export const amountField = z.union([z.string().refine(isDecimal, 'not a decimal amount'), z.number()]);

/** "394.00" HKD → 39400; throws on anything that is not a plain decimal amount. */
export function toMinor(amount: string | number | null | undefined, currency: string): number {
  if (amount === null || amount === undefined || amount === '') return 0;
  const s = typeof amount === 'number' ? numberToPlain(amount) : amount.trim();
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === '' && !m[3])) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const exp = currencyExponent(currency);
  const frac = (m[3] ?? '').padEnd(exp + 1, '0');
  let minor = Number(m[2] || '0') * 10 ** exp + Number(frac.slice(0, exp) || '0');
  if (Number(frac[exp]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) throw new Error(`amount out of range: ${s}`);
  return m[1] === '-' ? -minor : minor;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite amount: ${n}`);
  // toPrecision(15) removes binary noise (0.1+0.2) while keeping any realistic price intact.
  return Number(n.toPrecision(15)).toString().includes('e') ? n.toFixed(6) : Number(n.toPrecision(15)).toString();
}
