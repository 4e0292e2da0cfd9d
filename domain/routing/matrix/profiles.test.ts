import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProfileMatrices } from './profiles.js';

const points = [
  { lat: 52.52, lon: 13.405 },
  { lat: 52.5, lon: 13.45 },
  { lat: 52.55, lon: 13.38 },
];

describe('ProfileMatrices', () => {
  const specs = {
    van: { osrmProfile: 'driving', greatCircle: { speedKmh: { urban: 30, suburban: 50, rural: 80 } } },
    truck: { osrmProfile: 'truck', greatCircle: { speedKmh: { urban: 15, suburban: 25, rural: 40 } } },
  };

  it('gives each profile its own durations over the same distances, and reuses them within a day', async () => {
    const pm = new ProfileMatrices(specs);
    const day = await pm.forDay('2026-11-30', points, ['van', 'truck', 'van']);
    expect(Object.keys(day).sort()).toEqual(['truck', 'van']);
    expect(day.truck.distanceM[1]).toBeCloseTo(day.van.distanceM[1], 6);
    expect(day.truck.durationS[1]).toBeCloseTo(2 * day.van.durationS[1], 6);
    expect(await pm.matrix('2026-11-30', 'van', points)).toBe(day.van);
  });

  it('keeps only the newest days and rejects an unknown profile', async () => {
    const pm = new ProfileMatrices(specs, { keepDays: 2 });
    const first = await pm.matrix('2026-11-28', 'van', points);
    await pm.matrix('2026-11-29', 'van', points);
    await pm.matrix('2026-11-30', 'van', points);
    expect(pm.cachedDays).toEqual(['2026-11-29', '2026-11-30']);
    expect(await pm.matrix('2026-11-28', 'van', points)).not.toBe(first);
    expect(() => pm.matrix('2026-11-30', 'bike', points)).toThrow(/unknown vehicle profile bike/);
  });

  it('asks a local OSRM table service with the profile name when a server is configured', async () => {
    const paths: string[] = [];
    const n = points.length;
    const grid = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) * 100));
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 'Ok', distances: grid, durations: grid }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const pm = new ProfileMatrices(specs, { osrmUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const day = await pm.forDay('2026-11-30', points, ['truck', 'van']);
      await pm.forDay('2026-11-30', points, ['truck']);
      expect(paths.map((u) => u.split('/')[3])).toEqual(['truck', 'driving']);
      expect(day.truck.durationS[1]).toBe(100);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
