/**
 * Builds the European postal-centroid table (POSTAL_CENTROIDS_FILE) from GeoNames postal-code dumps (CC BY 4.0) as CSV files
 * (`country_code,zipcode,place,…,latitude,longitude`, one place per row, e.g. the per-country conversions published
 * as zauberware/postal-codes-json-xml-csv). One row per (country, postal code): the mean of its places' coordinates,
 * rounded to 4 decimals (≈ 10 m). Usage: `npx tsx scripts/build-postal-centroids.ts <dir with zipcodes.*.csv> … <out.csv>`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postalKey } from '../domain/shipping/postal-centroids.js';

/** One CSV line (RFC 4180 quoting) into its fields. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const args = process.argv.slice(2);
const outPath = args.length > 1 && args.at(-1)!.endsWith('.csv') && !statSafe(args.at(-1)!) ? args.pop()! : '.data/postal-centroids.csv';
function statSafe(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
const files = args.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p, { recursive: true, encoding: 'utf8' })
        .filter((f) => /zipcodes\.[a-z]{2}\.csv$/.test(f))
        .map((f) => join(p, f))
    : [p],
);
if (!files.length) throw new Error('give the directory (or files) of the GeoNames postal-code CSVs');
const acc = new Map<string, { lat: number; lng: number; n: number }>();
for (const f of files) {
  const lines = readFileSync(f, 'utf8').split(/\r?\n/).filter(Boolean);
  const head = parseCsvLine(lines[0]!);
  const [ci, zi, la, lo] = ['country_code', 'zipcode', 'latitude', 'longitude'].map((h) => head.indexOf(h));
  for (const line of lines.slice(1)) {
    const c = parseCsvLine(line);
    const country = c[ci!]!.toUpperCase();
    const key = postalKey(country, c[zi!]!);
    const lat = Number(c[la!]);
    const lng = Number(c[lo!]);
    if (!key || !Number.isFinite(lat) || !Number.isFinite(lng)) continue;
    const k = `${country},${key}`;
    const a = acc.get(k) ?? { lat: 0, lng: 0, n: 0 };
    a.lat += lat;
    a.lng += lng;
    a.n++;
    acc.set(k, a);
  }
}
const rows = [...acc]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([k, a]) => `${k},${(a.lat / a.n).toFixed(4)},${(a.lng / a.n).toFixed(4)}`);
writeFileSync(outPath, `country,postal,lat,lng\n${rows.join('\n')}\n`);
console.log(`${rows.length} postal codes from ${files.length} file(s) → ${outPath} (set POSTAL_CENTROIDS_FILE to it)`);
