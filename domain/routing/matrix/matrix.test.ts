import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedMatrixProvider } from './cached.js';
import { GreatCircleMatrixProvider, haversineM } from './great-circle.js';
import { OsrmMatrixProvider } from './osrm.js';
import type { GeoPoint, MatrixProvider, TravelMatrix } from './provider.js';

const paris: GeoPoint = { lat: 48.8566, lon: 2.3522 };
const london: GeoPoint = { lat: 51.5074, lon: -0.1278 };

describe('great-circle provider', () => {
  it('measures Paris–London at about 343.5 km', () => {
    expect(haversineM(paris, london) / 1000).toBeCloseTo(343.5, 0);
    expect(haversineM(paris, paris)).toBe(0);
  });

  it('applies the road factor and the speed of the area types at both ends', async () => {
    const a: GeoPoint = { lat: 0, lon: 0, area: 'urban' };
    const b: GeoPoint = { lat: 0, lon: 0.1, area: 'urban' };
    const c: GeoPoint = { lat: 0, lon: 0.2, area: 'rural' };
    const m = await new GreatCircleMatrixProvider({ roadFactor: 1.5, speedKmh: { urban: 20, suburban: 40, rural: 60 } }).matrix([a, b, c]);
    expect(m.n).toBe(3);
    const crow = haversineM(a, b);
    expect(m.distanceM[0 * 3 + 1]).toBeCloseTo(crow * 1.5, 6);
    expect(m.distanceM[1 * 3 + 0]).toBe(m.distanceM[0 * 3 + 1]);
    expect(m.durationS[0 * 3 + 1]).toBeCloseTo((crow * 1.5) / (20 / 3.6), 6);
    // urban→rural: harmonic mean of 20 and 60 km/h = 30 km/h
    expect(m.durationS[1 * 3 + 2]).toBeCloseTo(m.distanceM[1 * 3 + 2] / (30 / 3.6), 6);
    expect(m.distanceM[4]).toBe(0);
  });
});

describe('OSRM table provider', () => {
  let server: Server;
  let baseUrl = '';
  const requests: string[] = [];
  let failNext = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (failNext) {
        failNext = false;
        res.writeHead(503).end();
        return;
      }
      const m = /^\/table\/v1\/driving\/([^?]+)\?annotations=distance,duration$/.exec(req.url ?? '');
      if (!m) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'InvalidUrl', message: 'bad' }));
        return;
      }
      const pts = m[1].split(';').map((s) => s.split(',').map(Number));
      const distances = pts.map((a, i) => pts.map((b, j) => (i === 2 && j === 0 ? null : Math.round(Math.abs(a[0] - b[0]) * 1e5))));
      const durations = distances.map((row) => row.map((d) => (d === null ? null : d / 10)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Ok', distances, durations }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('requests lon,lat pairs and maps the table into matrices (unreachable → Infinity)', async () => {
    const osrm = new OsrmMatrixProvider({ baseUrl });
    const m = await osrm.matrix([
      { lat: 1, lon: 0.001 },
      { lat: 1, lon: 0.002 },
      { lat: 1, lon: 0.004 },
    ]);
    expect(requests.at(-1)).toBe('/table/v1/driving/0.001000,1.000000;0.002000,1.000000;0.004000,1.000000?annotations=distance,duration');
    expect(m.n).toBe(3);
    expect(Array.from(m.distanceM)).toEqual([0, 100, 300, 100, 0, 200, Infinity, 200, 0]);
    expect(m.durationS[1]).toBe(10);
    expect(m.durationS[6]).toBe(Infinity);
  });

  it('throws on an HTTP error and on a non-Ok code', async () => {
    failNext = true;
    await expect(new OsrmMatrixProvider({ baseUrl }).matrix([paris, london])).rejects.toThrow(/HTTP 503/);
    await expect(new OsrmMatrixProvider({ baseUrl, profile: 'bike?x' }).matrix([paris, london])).rejects.toThrow(/HTTP 400/);
  });
});

describe('cached provider', () => {
  function counting(): { p: MatrixProvider; calls: () => number; fail: (on: boolean) => void } {
    let calls = 0;
    let failing = false;
    const inner = new GreatCircleMatrixProvider();
    return {
      p: {
        matrix: (pts: GeoPoint[]): Promise<TravelMatrix> => {
          calls++;
          return failing ? Promise.reject(new Error('down')) : inner.matrix(pts);
        },
      },
      calls: () => calls,
      fail: (on) => (failing = on),
    };
  }

  it('calls the inner provider once per distinct point list', async () => {
    const c = counting();
    const cache = new CachedMatrixProvider(c.p, 2);
    const [a, b] = await Promise.all([cache.matrix([paris, london]), cache.matrix([paris, london])]);
    expect(a).toBe(b);
    expect(c.calls()).toBe(1);
    await cache.matrix([london, paris]);
    expect(c.calls()).toBe(2);
    await cache.matrix([paris]);
    expect(cache.size).toBe(2);
    await cache.matrix([paris, london]);
    expect(c.calls()).toBe(4);
  });

  it('does not keep failures', async () => {
    const c = counting();
    const cache = new CachedMatrixProvider(c.p);
    c.fail(true);
    await expect(cache.matrix([paris])).rejects.toThrow('down');
    c.fail(false);
    await expect(cache.matrix([paris])).resolves.toMatchObject({ n: 1 });
    expect(c.calls()).toBe(2);
  });
});
