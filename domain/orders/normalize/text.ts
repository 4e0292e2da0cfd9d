/**
 * Unicode-safe text and address helpers for storefront payloads (pure).
 * Names and streets keep every script (CJK, Arabic, emoji …): strings are NFC-normalized (Unicode UAX #15),
 * control and bidi-override characters are removed, whitespace is collapsed, length is capped by code points.
 */
// C0/C1 controls, and bidi overrides/isolates (U+202A–202E, U+2066–2069) that can spoof a label.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Cleaned text or undefined when nothing meaningful remains. */
export function cleanText(v: unknown, maxCodePoints = 200): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (!s) return undefined;
  const cps = Array.from(s);
  return cps.length > maxCodePoints ? cps.slice(0, maxCodePoints).join('') : s;
}

/** Multi-line text (notes): keeps newlines, drops other controls. */
export function cleanNote(v: unknown, maxCodePoints = 2000): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .trim();
  if (!s) return undefined;
  const cps = Array.from(s);
  return cps.length > maxCodePoints ? cps.slice(0, maxCodePoints).join('') : s;
}

// ISO 3166-1 alpha-2 codes known to ICU's region display names (every assigned code), minus the
// non-country groupings ICU also names.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'XK']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
const CODES = new Set<string>();
const BY_NAME = new Map<string, string>();
for (let a = 65; a <= 90; a++) {
  for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    const name = regionNames.of(code);
    if (!name || name === code || NOT_COUNTRIES.has(code)) continue;
    CODES.add(code);
    BY_NAME.set(foldName(name), code);
  }
}
for (const [alias, code] of [
  ['usa', 'US'],
  ['united states of america', 'US'],
  ['uk', 'GB'],
  ['great britain', 'GB'],
  ['england', 'GB'],
  ['hong kong', 'HK'],
  ['macao', 'MO'],
  ['south korea', 'KR'],
  ['korea', 'KR'],
  ['russia', 'RU'],
  ['czech republic', 'CZ'],
  ['vietnam', 'VN'],
  ['macau', 'MO'],
] as const)
  BY_NAME.set(alias, code);

function foldName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** ISO 3166-1 alpha-2 code from a code or an English country name; undefined when unknown. */
export function countryCode(code?: unknown, name?: unknown): string | undefined {
  const c = typeof code === 'string' ? code.trim().toUpperCase() : '';
  if (c.length === 2 && CODES.has(c)) return c;
  if (typeof name === 'string' && name.trim()) return BY_NAME.get(foldName(name));
  return undefined;
}

/** E.164 form when the number carries a country prefix, else the cleaned digits as given. */
export function normalizePhone(v: unknown): string | undefined {
  const s = cleanText(v, 40);
  if (!s) return undefined;
  const digits = s.replace(/[^\d+]/g, '');
  if (/^\+\d{6,15}$/.test(digits)) return digits;
  if (/^00\d{6,15}$/.test(digits)) return `+${digits.slice(2)}`;
  return s;
}
