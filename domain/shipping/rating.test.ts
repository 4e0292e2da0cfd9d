import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateCardBody, type RateCardInput } from './rate-card.schemas.js';
import { dimWeight, rateParcels, roundLength, type Parcel } from './rating.js';

const IN = 25.4;
const LB = 453.59237;
const inch = (x: number) => Math.round(x * IN);

/** A UPS-Ground-like card (illustrative prices): 139 in³/lb, each side rounded up, whole pounds. */
const ground: RateCardInput = {
  units: 'imperial',
  zoneChart: 'US-DEMO',
  dim: { divisor: 139, lengthRounding: 'up' },
  weightIncrement: 1,
  breaks: {
    '2': [
      { upTo: 1, priceMinor: 1000 },
      { upTo: 5, priceMinor: 1200 },
      { upTo: 8, priceMinor: 1500 },
      { upTo: 10, priceMinor: 1700 },
      { upTo: 60, priceMinor: 4000 },
      { upTo: 150, priceMinor: 9000 },
    ],
  },
  surcharges: {
    fuelPct: 15,
    residentialMinor: 500,
    deliveryArea: [
      { kind: 'das', prefixes: ['996'], amountMinor: 400 },
      { kind: 'das_extended', prefixes: ['9969'], amountMinor: 550 },
    ],
    additionalHandling: { amountMinor: 2500, weightOver: 50, longestSideOver: 48, secondSideOver: 30, lengthGirthOver: 105 },
    largePackage: { amountMinor: 11000, lengthGirthOver: 130, longestSideOver: 96, minBillableWeight: 90 },
  },
  limits: { maxWeight: 150, maxLength: 108, maxLengthGirth: 165 },
};
const card = rateCardBody.parse(ground);
const dest = { postalCode: '10001' };

describe('dimensional weight (worked examples)', () => {
  it('UPS/FedEx since 2025-08-18: each side up to the next inch, ÷139, up to the next pound', () => {
    // 12.09 × 10 × 8 in → 13 × 10 × 8 = 1040 in³ → 1040 / 139 = 7.48 → 8 lb; actual 5 lb → billable 8 lb.
    const p: Parcel = { lengthMm: 307, widthMm: inch(10), heightMm: inch(8), weightG: Math.floor(5 * LB) };
    expect(roundLength(307, card)).toBe(13);
    expect(dimWeight(p, card)).toBeCloseTo(1040 / 139, 9);
    const r = rateParcels(card, '2', [p], dest);
    expect(r.ok && r.parcels[0]!.billable).toBe(8);
    expect(r.ok && r.billableWeightG).toBe(Math.round(8 * LB));
    expect(r.ok && r.dimWeightG).toBe(Math.round((1040 / 139) * LB));
    // base 1500 + fuel 15% = 225
    expect(r.ok && r.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['base', 1500],
      ['fuel', 225],
    ]);
    expect(r.ok && r.totalMinor).toBe(1725);
  });

  it('USPS: sides to the nearest inch, ÷166, only above 1728 in³', () => {
    const usps = rateCardBody.parse({ ...ground, dim: { divisor: 166, lengthRounding: 'nearest', minVolume: 1728 } });
    // 12.09 × 10 × 8 → 12 × 10 × 8 = 960 in³ ≤ 1728: no DIM weight at all, billable = actual 5 lb.
    const small: Parcel = { lengthMm: 307, widthMm: inch(10), heightMm: inch(8), weightG: Math.floor(5 * LB) };
    expect(roundLength(307, usps)).toBe(12);
    const r = rateParcels(usps, '2', [small], dest);
    expect(r.ok && r.parcels[0]!.dimWeight).toBe(0);
    expect(r.ok && r.parcels[0]!.billable).toBe(5);
    // 14.4 × 12.6 × 12 → 14 × 13 × 12 = 2184 in³ > 1728 → 2184 / 166 = 13.16 → 14 lb.
    const big: Parcel = { lengthMm: inch(14.4), widthMm: inch(12.6), heightMm: inch(12), weightG: Math.round(3 * LB) };
    const rb = rateParcels(usps, '2', [big], dest);
    expect(rb.ok && rb.parcels[0]!.billable).toBe(14);
  });

  it('DHL Express metric: 5000 cm³/kg, up to the next 0.5 kg', () => {
    const dhl = rateCardBody.parse({
      ...ground,
      units: 'metric',
      dim: { divisor: 5000, lengthRounding: 'up' },
      weightIncrement: 0.5,
      breaks: {
        '2': [
          { upTo: 5, priceMinor: 3000 },
          { upTo: 5.5, priceMinor: 3200 },
          { upTo: 70, priceMinor: 9000 },
        ],
      },
      surcharges: {},
      limits: { maxWeight: 70, maxLength: 300, maxLengthGirth: 400 },
    });
    // 40.2 × 31 × 21 cm → 41 × 31 × 21 = 26691 cm³ / 5000 = 5.34 → 5.5 kg; actual 2.1 kg → 2.5.
    const r = rateParcels(dhl, '2', [{ lengthMm: 402, widthMm: 310, heightMm: 210, weightG: 2100 }], dest);
    expect(r.ok && r.parcels[0]!.billable).toBe(5.5);
    expect(r.ok && r.billableWeightG).toBe(5500);
    expect(r.ok && r.totalMinor).toBe(3200);
  });

  it('the actual weight wins when it is the larger, also rounded up', () => {
    const r = rateParcels(card, '2', [{ lengthMm: inch(6), widthMm: inch(6), heightMm: inch(6), weightG: Math.round(4.2 * LB) }], dest);
    // 216 / 139 = 1.55 → 2 lb DIM; 4.2 lb actual → 5 lb.
    expect(r.ok && r.parcels[0]!.billable).toBe(5);
  });
});

describe('surcharges (worked examples, each on its own)', () => {
  const small: Parcel = { lengthMm: inch(6), widthMm: inch(6), heightMm: inch(6), weightG: Math.round(0.5 * LB) };
  const lines = (r: ReturnType<typeof rateParcels>) => (r.ok ? Object.fromEntries(r.lines.map((l) => [l.kind, l.amountMinor])) : r.reason);

  it('residential: per package', () => {
    const r = rateParcels(card, '2', [small, small], { postalCode: '10001', residential: true });
    expect(r.ok && r.lines.filter((l) => l.kind === 'residential')).toHaveLength(2);
    // 2 lb each (DIM 216/139 → 2): 2 × 1200 base + 2 × 500 residential = 3400, fuel 15% = 510.
    expect(r.ok && r.totalMinor).toBe(3400 + 510);
  });

  it('delivery area: by destination prefix, the longest prefix wins', () => {
    expect(lines(rateParcels(card, '2', [small], { postalCode: '99601' }))).toMatchObject({ delivery_area: 400 });
    expect(lines(rateParcels(card, '2', [small], { postalCode: '99691' }))).toMatchObject({ das_extended: 550 });
    expect(lines(rateParcels(card, '2', [small], { postalCode: '10001' }))).not.toHaveProperty('delivery_area');
  });

  it('additional handling: over 50 lb actual, or a side over 48 in, or second side over 30 in, or L+G over 105 in — once', () => {
    const heavy: Parcel = { lengthMm: inch(20), widthMm: inch(20), heightMm: inch(20), weightG: Math.round(55 * LB) };
    const r = rateParcels(card, '2', [heavy], dest);
    expect(r.ok && r.lines.filter((l) => l.kind === 'additional_handling')).toHaveLength(1);
    expect(r.ok && r.lines.find((l) => l.kind === 'additional_handling')!.detail).toMatch(/weight over 50/);
    const long: Parcel = { lengthMm: inch(49), widthMm: inch(10), heightMm: inch(10), weightG: Math.round(10 * LB) };
    expect(lines(rateParcels(card, '2', [long], dest))).toMatchObject({ additional_handling: 2500 });
    const wide: Parcel = { lengthMm: inch(31), widthMm: inch(31), heightMm: inch(5), weightG: Math.round(10 * LB) };
    expect(lines(rateParcels(card, '2', [wide], dest))).toMatchObject({ additional_handling: 2500 });
  });

  it('large package: L+G over 130 in, billable floored at 90 lb, and no additional handling on top', () => {
    // 50 × 25 × 16 in: L+G = 50 + 50 + 32 = 132 > 130. DIM 20000/139 = 143.9 → 144 lb anyway; use a light box
    const lp: Parcel = { lengthMm: inch(50), widthMm: inch(25), heightMm: inch(16), weightG: Math.round(20 * LB) };
    const r = rateParcels(card, '2', [lp], dest);
    expect(r.ok && r.parcels[0]!.billable).toBe(144);
    expect(lines(r)).toMatchObject({ large_package: 11000, base: 9000 });
    expect(lines(r)).not.toHaveProperty('additional_handling');
    // A long, thin, light tube: DIM is small, the 90 lb floor applies.
    const tube: Parcel = { lengthMm: inch(97), widthMm: inch(4), heightMm: inch(4), weightG: Math.round(8 * LB) };
    const t = rateParcels(card, '2', [tube], dest);
    expect(t.ok && t.parcels[0]!.billable).toBe(90);
  });

  it('fuel is last: a percentage of base plus every surcharge', () => {
    const r = rateParcels(card, '2', [small], { postalCode: '99601', residential: true });
    // base 1200 + residential 500 + DAS 400 = 2100; fuel 15% = 315.
    expect(lines(r)).toMatchObject({ base: 1200, residential: 500, delivery_area: 400, fuel: 315 });
    expect(r.ok && r.totalMinor).toBe(2415);
  });

  it('limits: over 150 lb, over 108 in long or over 165 in length + girth is not served', () => {
    expect(rateParcels(card, '2', [{ ...small, weightG: Math.round(151 * LB) }], dest)).toMatchObject({ ok: false });
    expect(rateParcels(card, '2', [{ ...small, lengthMm: inch(109) }], dest)).toMatchObject({ ok: false });
    expect(rateParcels(card, '2', [{ lengthMm: inch(60), widthMm: inch(30), heightMm: inch(24), weightG: LB }], dest)).toMatchObject({
      ok: false,
    });
    expect(rateParcels(card, '9', [small], dest)).toMatchObject({ ok: false });
  });

  it('refuses a card whose prices fall as weight rises', () => {
    const bad = {
      ...ground,
      breaks: {
        '2': [
          { upTo: 1, priceMinor: 1000 },
          { upTo: 2, priceMinor: 900 },
        ],
      },
    };
    expect(rateCardBody.safeParse(bad).success).toBe(false);
  });
});

describe('properties', () => {
  const parcel = fc.record({
    lengthMm: fc.integer({ min: 10, max: 1200 }),
    widthMm: fc.integer({ min: 10, max: 700 }),
    heightMm: fc.integer({ min: 10, max: 600 }),
    weightG: fc.integer({ min: 1, max: 60_000 }),
  });
  const cards = fc.constantFrom(
    card,
    rateCardBody.parse({ ...ground, dim: { divisor: 166, lengthRounding: 'nearest', minVolume: 1728 } }),
    rateCardBody.parse({
      ...ground,
      units: 'metric',
      dim: { divisor: 5000, lengthRounding: 'up' },
      weightIncrement: 0.5,
      breaks: {
        '2': [
          { upTo: 10, priceMinor: 100 },
          { upTo: 70, priceMinor: 900 },
        ],
      },
      limits: { maxWeight: 70, maxLength: 300, maxLengthGirth: 500 },
    }),
  );

  it('billable weight is never below the actual weight', () => {
    fc.assert(
      fc.property(cards, parcel, (c, p) => {
        const r = rateParcels(c, '2', [p], dest);
        if (!r.ok) return true;
        return r.billableWeightG >= p.weightG - 0.5 && r.parcels[0]!.billable >= r.parcels[0]!.actual;
      }),
      { numRuns: 2000 },
    );
  });

  it('the price never falls as the weight rises within a zone', () => {
    fc.assert(
      fc.property(cards, parcel, fc.integer({ min: 0, max: 40_000 }), fc.boolean(), (c, p, more, residential) => {
        const a = rateParcels(c, '2', [p], { postalCode: '99601', residential });
        const b = rateParcels(c, '2', [{ ...p, weightG: p.weightG + more }], { postalCode: '99601', residential });
        if (!b.ok) return true; // heavier one over the limits: not served, nothing to compare
        return a.ok && a.totalMinor <= b.totalMinor;
      }),
      { numRuns: 2000 },
    );
  });
});
