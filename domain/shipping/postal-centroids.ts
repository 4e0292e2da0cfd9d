import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Postal-code centroids for addresses the storefront did not geocode, with no online geocoder:
 * - US ZIP5 and Canadian FSA: the `zipcodes` package (BSD licence, data bundled in the package);
 * - Europe (AT, BE, DE, DK, ES, FR, GB outward codes, IT, LU, NL four-digit codes): a `country,postal,lat,lng` table the
 *   operator builds from GeoNames postal-code dumps (CC BY 4.0) with `scripts/build-postal-centroids.ts` (the mean of
 *   the places that share a code) and names in POSTAL_CENTROIDS_FILE; it is not shipped (see `data/SOURCES.md`).
 *   Without it, European addresses need coordinates from the storefront.
 * A code missing from the table falls back to the mean of the codes sharing its longest prefix, dropping at most two
 * trailing characters (a new German code lands in its neighbours' district, never in a whole region). Other countries
 * have no offline table: such addresses need coordinates from the storefront, else they are not offered the own fleet.
 */
interface ZipRecord {
  latitude: number;
  longitude: number;
}
const zipcodes = createRequire(import.meta.url)('zipcodes') as { lookup(code: string): ZipRecord | undefined };

/** The key a country's centroid table uses for a postal code as people write it (pure). Empty when unusable. */
export function postalKey(country: string, raw: string): string {
  const c = country.toUpperCase();
  // Drop a country prefix written before the code ("D-50667", "L-4968", "NL-1015 CJ").
  const s = raw
    .toUpperCase()
    .trim()
    .replace(/^[A-Z]{1,2}-(?=\d)/, '')
    .replace(/[^A-Z0-9]/g, '');
  if (c === 'GB') return s.length >= 5 ? s.slice(0, -3) : s; // the outward code: everything before the 3-character inward code
  if (c === 'NL') return s.slice(0, 4); // PC4: the four digits before the two letters
  if (c === 'CA') return s.slice(0, 3); // FSA
  if (c === 'US') return s.slice(0, 5);
  return s;
}

interface Table {
  keys: string[];
  lat: Float64Array;
  lng: Float64Array;
}
let tables: Map<string, Table> | undefined;
let tableFile: string | undefined;

/** The European centroid table to use (POSTAL_CENTROIDS_FILE, set once at start); none means no European lookups. */
export function usePostalCentroidFile(path: string | undefined): void {
  tableFile = path;
  tables = undefined;
}

function load(): Map<string, Table> {
  if (!tableFile) return new Map();
  const text = readFileSync(tableFile, 'utf8');
  const rows = new Map<string, [string, number, number][]>();
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const [country, key, lat, lng] = line.split(',');
    const list = rows.get(country!) ?? rows.set(country!, []).get(country!)!;
    list.push([key!, Number(lat), Number(lng)]);
  }
  const out = new Map<string, Table>();
  for (const [country, list] of rows) {
    list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.set(country, {
      keys: list.map((r) => r[0]),
      lat: Float64Array.from(list, (r) => r[1]),
      lng: Float64Array.from(list, (r) => r[2]),
    });
  }
  return out;
}

/** First index whose key is ≥ k (keys sorted). */
function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Centroid from the European table: the exact code, else the mean of the codes sharing its longest prefix. */
function fromTable(country: string, key: string): { lat: number; lng: number } | undefined {
  tables ??= load();
  const t = tables.get(country);
  if (!t || !key) return undefined;
  const i = lowerBound(t.keys, key);
  if (t.keys[i] === key) return { lat: t.lat[i]!, lng: t.lng[i]! };
  for (let len = key.length - 1; len >= Math.max(2, key.length - 2); len--) {
    const pre = key.slice(0, len);
    let j = lowerBound(t.keys, pre);
    let n = 0;
    let lat = 0;
    let lng = 0;
    for (; j < t.keys.length && t.keys[j]!.startsWith(pre); j++, n++) {
      lat += t.lat[j]!;
      lng += t.lng[j]!;
    }
    if (n) return { lat: Math.round((lat / n) * 1e4) / 1e4, lng: Math.round((lng / n) * 1e4) / 1e4 };
  }
  return undefined;
}

/** Offline coordinates of a postal code's centroid, or undefined when this country or code is not covered. */
export function postalCentroid(country: string, postalCode: string): { lat: number; lng: number } | undefined {
  const c = country.toUpperCase();
  const key = postalKey(c, postalCode);
  if (c === 'US' || c === 'CA') {
    const rec = key ? zipcodes.lookup(key) : undefined;
    return rec && Number.isFinite(rec.latitude) && Number.isFinite(rec.longitude) ? { lat: rec.latitude, lng: rec.longitude } : undefined;
  }
  return fromTable(c, key);
}

/** Countries with an offline centroid table (for docs and the API's explanation of own-fleet eligibility). */
export function centroidCountries(): string[] {
  tables ??= load();
  return ['CA', 'US', ...tables.keys()].sort();
}
