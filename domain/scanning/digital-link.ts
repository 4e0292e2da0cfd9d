// GS1 Digital Link URIs (GS1 Digital Link Standard: URI Syntax, release 1.2+): any http(s) host and
// path prefix, then a primary key and its ordered key qualifiers as /AI/value path pairs, then data
// attributes as ?AI=value query parameters. Numeric AIs are canonical; the short names (gtin, lot, ser,
// …) of release 1.1 are still accepted on input. Values are percent-encoded (RFC 3986).
import { AI_TABLE } from './ai-table.js';
import type { AiDef } from './ai-table.js';
import { validateAiValue } from './ai-value.js';
import type { Gs1Element } from './ai-value.js';
import { pushElement } from './element-string.js';
import type { AiInput } from './element-string.js';
import { DEFAULT_REFERENCE_YEAR } from './gs1-dates.js';
import { ScanError } from './scan-error.js';

/** Digital Link 1.1 short names for keys and key qualifiers → AI. */
export const DL_SHORT_NAMES: Readonly<Record<string, string>> = {
  gtin: '01',
  itip: '8006',
  cpv: '22',
  lot: '10',
  ser: '21',
  sscc: '00',
  gln: '414',
  party: '417',
  glnx: '254',
  gsrnp: '8017',
  gsrn: '8018',
  srin: '8019',
  gdti: '253',
  gcn: '255',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpid: '8010',
  cpsn: '8011',
  gmn: '8013',
  upui: '235',
};

const URI = /^(https?):\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

/** True when `s` looks like an http(s) URI, i.e. may be a Digital Link. */
export function looksLikeUri(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ScanError('invalid-format', `${what} "${part}" is not valid percent-encoding`);
  }
}

function aiFor(key: string): string | undefined {
  if (AI_TABLE.has(key)) return key;
  return DL_SHORT_NAMES[key];
}

/** True when `keys` appear, in order, within one of the qualifier sequences. */
function qualifiersFit(alternatives: string[][], keys: string[]): boolean {
  if (keys.length === 0) return true;
  return alternatives.some((seq) => {
    let k = 0;
    for (const q of seq) if (q === keys[k]) k++;
    return k === keys.length;
  });
}

function element(def: AiDef, raw: string, referenceYear: number): Gs1Element {
  // The Digital Link path may carry a GTIN-8/12/13; element strings always carry 14 digits.
  const value = def.ai === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(raw) ? raw.padStart(14, '0') : raw;
  return validateAiValue(def, value, { position: -1, referenceYear });
}

/**
 * Parse a GS1 Digital Link URI into elements (key and qualifiers first, then attributes).
 * Throws `invalid-digital-link` when the URI carries no primary key, and the usual value errors.
 * Query parameters that are not AIs (linkType, utm_*, …) are ignored, as the standard permits.
 */
export function parseDigitalLink(uri: string, opts: { referenceYear?: number } = {}): Gs1Element[] {
  const referenceYear = opts.referenceYear ?? DEFAULT_REFERENCE_YEAR;
  const m = URI.exec(uri);
  if (!m) throw new ScanError('invalid-digital-link', `"${uri}" is not an http(s) URI`);
  const segs = m[3].split('/').filter((s) => s !== '');
  // Walk pairs from the right: qualifiers, then the primary key; what is left is the path prefix.
  let keyAt = -1;
  for (let j = segs.length - 2; j >= 0; j -= 2) {
    const ai = aiFor(segs[j]);
    if (ai === undefined) break;
    const def = AI_TABLE.get(ai)!;
    const qualifiers: string[] = [];
    for (let q = j + 2; q < segs.length; q += 2) qualifiers.push(aiFor(segs[q])!);
    if (def.dlQualifiers && qualifiersFit(def.dlQualifiers, qualifiers)) keyAt = j;
  }
  if (keyAt < 0) throw new ScanError('invalid-digital-link', `"${uri}" has no GS1 primary key (/01/…, /00/…, /414/…) in its path`);
  const out: Gs1Element[] = [];
  for (let j = keyAt; j < segs.length; j += 2) {
    const def = AI_TABLE.get(aiFor(segs[j])!)!;
    pushElement(out, element(def, decode(segs[j + 1], `value of AI (${def.ai})`), referenceYear));
  }
  for (const pair of (m[4] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), 'query key');
    if (!/^\d{2,4}$/.test(key)) continue;
    const def = AI_TABLE.get(key);
    if (!def) throw new ScanError('unknown-ai', `unknown AI (${key}) in the query of a Digital Link`, { ai: key });
    pushElement(out, element(def, decode(eq < 0 ? '' : pair.slice(eq + 1), `value of AI (${key})`), referenceYear));
  }
  return out;
}

/**
 * Build a Digital Link URI on `base` (default https://id.gs1.org): the first AI that is a primary key
 * goes in the path with the qualifiers present (in the standard's order), all other AIs in the query.
 */
export function encodeDigitalLink(ais: AiInput, base = 'https://id.gs1.org'): string {
  const list: [string, string][] = Array.isArray(ais) ? ais.map(([a, v]) => [a, v]) : Object.entries(ais as Record<string, string>);
  const key = list.find(([ai]) => AI_TABLE.get(ai)?.dlQualifiers !== undefined);
  if (!key) throw new ScanError('invalid-digital-link', 'no AI in the input can be a Digital Link primary key');
  const def = AI_TABLE.get(key[0])!;
  const present = new Map(list);
  const seq = def.dlQualifiers!.find((alt) => alt.some((q) => present.has(q))) ?? [];
  const inPath = [key[0], ...seq.filter((q) => present.has(q))];
  let uri = base.replace(/\/+$/, '');
  for (const ai of inPath) uri += `/${ai}/${encodeURIComponent(present.get(ai)!)}`;
  const query = list.filter(([ai]) => !inPath.includes(ai)).map(([ai, v]) => `${ai}=${encodeURIComponent(v)}`);
  return query.length ? `${uri}?${query.join('&')}` : uri;
}
