import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { distanceM } from './geo.js';
import { centroidCountries, postalCentroid, postalKey, usePostalCentroidFile } from './postal-centroids.js';

// The European table is not shipped: the tests read a hand-written sample in its format (test/fixtures/postal/).
beforeAll(() => usePostalCentroidFile(fileURLToPath(new URL('../../test/fixtures/postal/centroids.sample.csv', import.meta.url))));

/** Known places (city-hall / landmark coordinates from the public record) and how far their postal centroid may lie. */
const PLACES: [country: string, postal: string, withinKm: number, lat: number, lng: number][] = [
  ['DE', '50667', 2, 50.9375, 6.9603], // Köln Altstadt-Nord
  ['DE', '10117', 3, 52.5163, 13.3777], // Berlin Mitte
  ['FR', '75004', 2, 48.8566, 2.3522], // Paris 4e
  ['FR', '13001', 3, 43.2965, 5.3698], // Marseille 1er
  ['NL', '1015 CJ', 2, 52.3752, 4.8846], // Amsterdam Jordaan
  ['NL', '3011AD', 3, 51.9225, 4.4792], // Rotterdam centrum
  ['GB', 'SW1A 1AA', 3, 51.501, -0.1416], // Buckingham Palace
  ['GB', 'M1 1AE', 4, 53.4794, -2.2453], // Manchester centre
  ['ES', '28013', 2, 40.4168, -3.7038], // Madrid Sol
  ['IT', '00184', 3, 41.8902, 12.4922], // Roma Monti
  ['IT', '20121', 3, 45.4642, 9.19], // Milano centro
  ['BE', '2000', 3, 51.2194, 4.4025], // Antwerpen
];

describe('postal centroids (offline)', () => {
  it.each(PLACES)('%s %s lies within %d km of the place', (country, postal, km, lat, lng) => {
    const p = postalCentroid(country, postal);
    expect(p).toBeDefined();
    expect(distanceM(p!, { lat, lng })).toBeLessThan(km * 1000);
  });

  it('covers at least DE, FR, NL, GB, ES, IT besides US/CA', () => {
    expect(centroidCountries()).toEqual(expect.arrayContaining(['DE', 'FR', 'NL', 'GB', 'ES', 'IT', 'US', 'CA']));
    expect(postalCentroid('US', '10001')).toBeDefined();
  });

  it('normalises codes as people write them', () => {
    expect(postalKey('NL', '1015 cj')).toBe('1015');
    expect(postalKey('GB', 'sw1a 1aa')).toBe('SW1A');
    expect(postalKey('GB', 'SW1A')).toBe('SW1A');
    expect(postalKey('DE', 'D-50667')).toBe('50667');
    expect(postalKey('LU', 'L-4968')).toBe('4968');
    expect(postalCentroid('DE', 'D-50667')).toEqual(postalCentroid('DE', '50667'));
  });

  it('falls back to the codes sharing a prefix, never further than two characters up', () => {
    // 50669 is not a German code; its neighbours 5066x are in Köln.
    const p = postalCentroid('DE', '50669');
    expect(p).toBeDefined();
    expect(distanceM(p!, { lat: 50.9375, lng: 6.9603 })).toBeLessThan(5000);
    expect(postalCentroid('DE', '9')).toBeUndefined();
    expect(postalCentroid('PT', '1000-001')).toBeUndefined();
    expect(postalCentroid('NL', '')).toBeUndefined();
  });
});
