import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let packer: TestUser;
let admin: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  admin = await sys.user('admin', ['admin'], [sys.wh1]);
  await seedShipping(sys.rt.orm.em.fork(), sys.wh1);
});
afterAll(() => sys?.close());

const box = { lengthMm: 300, widthMm: 200, heightMm: 150, weightG: 1200 };
const quote = (body: Record<string, unknown>, token = packer.token) =>
  http('POST', `${sys.url}/v1/rate-quotes`, { token, body: { warehouseId: sys.wh1, parcels: [box], shipDate: '2026-12-04', ...body } });

describe('POST /v1/rate-quotes', () => {
  it('quotes every eligible service with every price line, and takes the cheapest that meets the promise', async () => {
    // Friday 2026-12-04: PolderPost (1 day, no Saturday delivery) arrives Monday; SwiftAir delivers Saturday.
    const r = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, promiseDate: '2026-12-07' });
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.quotes.map((q: any) => [`${q.carrier}/${q.service}`, q]));
    expect(Object.keys(by).sort()).toEqual(['lowland-freight/pallet', 'polderpost/standard', 'swiftair/express']);
    for (const q of r.body.quotes) expect(q.lines.reduce((s: number, l: any) => s + l.amountMinor, 0)).toBe(q.total.amountMinor);
    // 30 × 20 × 15 cm = 9000 cm³ / 5000 = 1.8 → 2 kg billable; actual 1.2 kg.
    expect(by['polderpost/standard'].billableWeightG).toBe(2000);
    expect(by['polderpost/standard'].dimWeightG).toBe(1800);
    // zone 1 up to 2 kg = 4.95, fuel 8.5% = 0.42 (0.42075 rounded).
    expect(by['polderpost/standard'].lines).toEqual([
      expect.objectContaining({ kind: 'base', amountMinor: 495 }),
      expect.objectContaining({ kind: 'fuel', amountMinor: 42 }),
    ]);
    expect(by['polderpost/standard'].estimatedDelivery).toBe('2026-12-07');
    expect(by['swiftair/express'].estimatedDelivery).toBe('2026-12-05');
    expect(r.body.chosen).toEqual({ carrier: 'polderpost', service: 'standard' });
    expect(r.body.late).toBe(false);
    // Rotterdam's postal centroid (offline GeoNames table) lies outside the Amsterdam delivery area.
    expect(r.body.ineligible).toContainEqual(
      expect.objectContaining({ carrier: 'own-fleet', reason: 'the address is outside every delivery area' }),
    );
    // A country without an offline centroid table and no coordinates: the own fleet cannot place it.
    const pt = await quote({ destination: { postalCode: '1000-001', country: 'PT' } });
    expect(JSON.stringify(pt.body)).toMatch(/own-fleet\/next-day: no coordinates/);
  });

  it('pays for speed when the promise needs it, and flags late when nothing meets it', async () => {
    const sat = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, promiseDate: '2026-12-05' });
    expect(sat.body.chosen).toEqual({ carrier: 'swiftair', service: 'express' });
    const fri = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, promiseDate: '2026-12-04' });
    expect(fri.body.chosen).toEqual({ carrier: 'swiftair', service: 'express' });
    expect(fri.body.late).toBe(true);
    expect(fri.body.reason).toMatch(/fastest/);
  });

  it('offers the own fleet inside the delivery area, and the remote-area surcharge on the islands', async () => {
    const ams = await quote({ destination: { postalCode: '1015 CJ', country: 'NL', lat: 52.374, lng: 4.884 } });
    expect(ams.body.chosen).toEqual({ carrier: 'own-fleet', service: 'next-day' });
    const texel = await quote({ destination: { postalCode: '1791 AB', country: 'NL' } });
    const pp = texel.body.quotes.find((q: any) => q.carrier === 'polderpost');
    expect(pp.lines).toContainEqual(expect.objectContaining({ kind: 'remote', amountMinor: 350 }));
    // fuel is on base + surcharge: 8.5% of (495 + 350) = 71.8 → 72
    expect(pp.lines.find((l: any) => l.kind === 'fuel').amountMinor).toBe(72);
  });

  it('perishables only go with cold-chain services; too heavy parcels go by freight', async () => {
    const cold = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, perishable: true });
    expect(cold.body.quotes.map((q: any) => q.carrier)).toEqual(['swiftair']);
    const heavy = await quote({
      destination: { postalCode: '50667', country: 'DE' },
      parcels: [{ lengthMm: 1200, widthMm: 800, heightMm: 1000, weightG: 180_000 }],
    });
    expect(heavy.body.chosen).toEqual({ carrier: 'lowland-freight', service: 'pallet' });
    expect(heavy.body.ineligible).toContainEqual(
      expect.objectContaining({ carrier: 'polderpost', reason: expect.stringMatching(/weighs over/) }),
    );
  });

  it('is warehouse-scoped and validates the body as problem+json', async () => {
    const other = await sys.user('other', ['packer'], [sys.wh2]);
    expect((await quote({ destination: { postalCode: '3011 AD', country: 'NL' } }, other.token)).status).toBe(404);
    const bad = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, parcels: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toMatch(/parcels/);
  });

  it('imports zone charts from CSV all-or-nothing and versions rate cards', async () => {
    const bad = await http('PUT', `${sys.url}/v1/zone-charts/TEST`, {
      token: admin.token,
      headers: { 'content-type': 'text/csv' },
      raw: 'origin_prefix,dest_from,dest_to,zone\nNL,NL10,NL99,1\nNL,NL50,NL40,2\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('body.line.3');
    const ok = await http('PUT', `${sys.url}/v1/zone-charts/TEST`, {
      token: admin.token,
      headers: { 'content-type': 'text/csv' },
      raw: 'origin_prefix,dest_from,dest_to,zone\nNL,NL10,NL99,1\nNL,BE,BE,2\n',
    });
    expect(ok.body).toEqual({ rows: 2 });
    const card = {
      carrier: 'polderpost',
      service: 'standard',
      effectiveFrom: '2026-12-05',
      currency: 'EUR',
      body: {
        units: 'metric',
        zoneChart: 'TEST',
        dim: { divisor: 5000, lengthRounding: 'up' },
        weightIncrement: 0.5,
        breaks: { '1': [{ upTo: 31.5, priceMinor: 100 }] },
        limits: { maxWeight: 31.5, maxLength: 175, maxLengthGirth: 360 },
      },
    };
    const v2 = await http('POST', `${sys.url}/v1/rate-cards`, { token: admin.token, body: card });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    // Version 1 still prices Friday; version 2 prices from Saturday on.
    const fri = await quote({ destination: { postalCode: '3011 AD', country: 'NL' } });
    const mon = await quote({ destination: { postalCode: '3011 AD', country: 'NL' }, shipDate: '2026-12-07' });
    expect(fri.body.quotes.find((q: any) => q.carrier === 'polderpost').rateCard.version).toBe(1);
    expect(mon.body.quotes.find((q: any) => q.carrier === 'polderpost').total.amountMinor).toBe(100);
    expect((await http('POST', `${sys.url}/v1/rate-cards`, { token: packer.token, body: card })).status).toBe(403);
  });
});
