// GS1 mod-10 check digit: GS1 General Specifications §7.9.1. Weights 3,1,3,1… applied from the digit
// just left of the check digit towards the left; check = (10 - sum mod 10) mod 10. One rule serves
// GTIN-8/12/13/14, GLN, SSCC, GSIN, GRAI, GDTI, GCN and GSRN.

const DIGITS = /^\d+$/;

/** The GS1 mod-10 check digit for `body` (all digits, check digit NOT included). Throws on non-digits. */
export function gs1CheckDigit(body: string): number {
  if (!DIGITS.test(body)) throw new TypeError(`gs1CheckDigit needs digits only, got "${body}"`);
  let sum = 0;
  let weight = 3;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += (body.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `code` is all digits and its last digit is the GS1 mod-10 check digit of the rest. */
export function hasValidCheckDigit(code: string): boolean {
  if (code.length < 2 || !DIGITS.test(code)) return false;
  return gs1CheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

/** True for a GTIN-8, -12, -13 or -14 (digits only) with a correct check digit. */
export function isValidGtin(code: string): boolean {
  const n = code.length;
  return (n === 8 || n === 12 || n === 13 || n === 14) && hasValidCheckDigit(code);
}

/** True for an 18-digit SSCC with a correct check digit. */
export function isValidSscc(code: string): boolean {
  return code.length === 18 && hasValidCheckDigit(code);
}

/** True for a 13-digit GLN with a correct check digit. */
export function isValidGln(code: string): boolean {
  return code.length === 13 && hasValidCheckDigit(code);
}

/** A GTIN-8/12/13/14 left-padded with zeros to the 14 digits AI (01) carries; no check-digit test. */
export function toGtin14(gtin: string): string {
  return gtin.padStart(14, '0');
}
