import { normalizePostal } from './rating.js';

/**
 * Zones from postal codes (pure). A chart row maps an origin prefix (a US ZIP3, a Dutch PC2 …) and a range of
 * destination prefixes to a zone, as carriers publish them per origin ZIP3. The destination prefix compared is as
 * long as the row's `destFrom`; the longest matching origin prefix wins.
 */
export interface ZoneRow {
  originPrefix: string;
  destFrom: string;
  destTo: string;
  zone: string;
}

export function zoneFor(rows: readonly ZoneRow[], origin: string, dest: string): string | undefined {
  const o = normalizePostal(origin);
  const d = normalizePostal(dest);
  let best: ZoneRow | undefined;
  for (const r of rows) {
    if (!o.startsWith(r.originPrefix)) continue;
    const dp = d.slice(0, r.destFrom.length);
    if (dp.length < r.destFrom.length || dp < r.destFrom || dp > r.destTo) continue;
    if (!best || r.originPrefix.length > best.originPrefix.length) best = r;
  }
  return best?.zone;
}

export interface ZoneCsvError {
  line: number;
  message: string;
}

/**
 * Reads a zone chart from CSV records (header `origin_prefix,dest_from,dest_to,zone`; dest_to may be empty = dest_from).
 * Returns the rows or every error with its line, so an import is all-or-nothing.
 */
export function zoneRowsFromCsv(records: { line: number; fields: string[] }[]): { rows: ZoneRow[]; errors: ZoneCsvError[] } {
  const rows: ZoneRow[] = [];
  const errors: ZoneCsvError[] = [];
  const [head, ...body] = records;
  const cols = (head?.fields ?? []).map((f) => f.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  const need = ['origin_prefix', 'dest_from', 'zone'];
  const missing = need.filter((n) => at(n) < 0);
  if (missing.length) return { rows, errors: [{ line: head?.line ?? 1, message: `missing column(s): ${missing.join(', ')}` }] };
  const seen = new Set<string>();
  for (const r of body) {
    if (r.fields.length === 1 && r.fields[0] === '') continue;
    const get = (n: string) => (at(n) >= 0 ? normalizePostal(r.fields[at(n)] ?? '') : '');
    const originPrefix = get('origin_prefix');
    const destFrom = get('dest_from');
    const destTo = get('dest_to') || destFrom;
    const zone = (r.fields[at('zone')] ?? '').trim();
    if (!originPrefix || !destFrom || !zone) errors.push({ line: r.line, message: 'origin_prefix, dest_from and zone are required' });
    else if (destTo.length !== destFrom.length) errors.push({ line: r.line, message: 'dest_from and dest_to must have the same length' });
    else if (destTo < destFrom) errors.push({ line: r.line, message: 'dest_to is before dest_from' });
    else if (zone === '-')
      continue; // "-" = not served (UPS charts): no row
    else if (seen.has(`${originPrefix}|${destFrom}`))
      errors.push({ line: r.line, message: `duplicate row for ${originPrefix} → ${destFrom}` });
    else {
      seen.add(`${originPrefix}|${destFrom}`);
      rows.push({ originPrefix, destFrom, destTo, zone });
    }
  }
  return { rows, errors };
}
