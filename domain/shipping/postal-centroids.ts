import { createRequire } from 'node:module';
import { normalizePostal } from './rating.js';

/**
 * Postal-code centroids for addresses the storefront did not geocode, with no online geocoder:
 * the `zipcodes` package (BSD licence; US ZIP5 and Canadian FSA centroids bundled as data in the package).
 * Other countries have no offline table here: such addresses need coordinates from the storefront,
 * else they are not offered the own fleet.
 */
interface ZipRecord {
  latitude: number;
  longitude: number;
}
const zipcodes = createRequire(import.meta.url)('zipcodes') as { lookup(code: string): ZipRecord | undefined };

export function postalCentroid(country: string, postalCode: string): { lat: number; lng: number } | undefined {
  const c = country.toUpperCase();
  const pc = normalizePostal(postalCode);
  const rec = c === 'US' ? zipcodes.lookup(pc.slice(0, 5)) : c === 'CA' ? zipcodes.lookup(pc.slice(0, 3)) : undefined;
  return rec && Number.isFinite(rec.latitude) && Number.isFinite(rec.longitude) ? { lat: rec.latitude, lng: rec.longitude } : undefined;
}
