// AIM symbology identifiers (ISO/IEC 15424): "]" + code character + modifier character, prefixed by
// the scanner to what it decoded. The GS1 meanings follow GS1 General Specifications §5.1.2 / §5.4.
// Some GS1 identifiers: ]C1 GS1-128, ]e0 GS1 DataBar, ]d2 GS1 DataMatrix, ]Q3 GS1 QR, ]J1 GS1 DotCode.

export type SymbologyFamily = 'gs1' | 'ean' | 'itf' | 'other';

// Identifiers whose data is a GS1 element string (FNC1 in first position implied by the identifier).
const GS1_IDS = new Set([']C1', ']e0', ']e1', ']e2', ']d2', ']Q3', ']J1']);
// EAN/UPC: ]E0 EAN-13 / UPC-A / UPC-E, ]E3 with add-on, ]E4 EAN-8.
const EAN_IDS = new Set([']E0', ']E3', ']E4']);
const ITF_IDS = new Set([']I0', ']I1']);

const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/** Split a leading AIM identifier off `s`; `symbology` is undefined when there is none. */
export function splitSymbology(s: string): { symbology?: string; family?: SymbologyFamily; data: string } {
  if (!AIM_PREFIX.test(s)) return { data: s };
  const symbology = s.slice(0, 3);
  const family: SymbologyFamily = GS1_IDS.has(symbology)
    ? 'gs1'
    : EAN_IDS.has(symbology)
      ? 'ean'
      : ITF_IDS.has(symbology)
        ? 'itf'
        : 'other';
  return { symbology, family, data: s.slice(3) };
}

/**
 * Expand an 8-digit UPC-E (number system 0/1, six digits, check) to its 12-digit UPC-A
 * (zero-suppression rules of the UPC-E symbology, GS1 General Specifications §5.2.2.4.2).
 */
export function expandUpcE(upce: string): string | undefined {
  if (!/^[01]\d{7}$/.test(upce)) return undefined;
  const ns = upce[0];
  const d = upce.slice(1, 7);
  const check = upce[7];
  const last = d[5];
  let body: string;
  if (last <= '2') body = d.slice(0, 2) + last + '0000' + d.slice(2, 5);
  else if (last === '3') body = d.slice(0, 3) + '00000' + d.slice(3, 5);
  else if (last === '4') body = d.slice(0, 4) + '00000' + d[4];
  else body = d.slice(0, 5) + '0000' + last;
  return ns + body + check;
}
