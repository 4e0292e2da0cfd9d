import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskDaysOf, scoreCarriers, type ParcelHistory } from './scorecard.js';
import { chooseService } from './selection.js';

const parcel = (
  carrier: string,
  target: string | null,
  delivered: string | null,
  events: [string, string, string?][] = [],
  cost = 500,
): ParcelHistory => ({
  carrier,
  targetDay: target,
  deliveredDay: delivered,
  events: events.map(([status, at, detail]) => ({ status, at, detail: detail ?? '' })),
  quotedCostMinor: cost,
  currency: 'EUR',
});

describe('carrier scorecards from tracking history', () => {
  it('counts on-time, first attempt, exceptions, damage and cost per parcel (worked example)', () => {
    const [pp] = scoreCarriers([
      parcel('pp', '2026-12-04', '2026-12-04', [['delivered', '2026-12-04T12:00:00Z']], 400),
      parcel(
        'pp',
        '2026-12-04',
        '2026-12-05',
        [
          ['failure', '2026-12-04T13:00:00Z', 'Recipient not at home'],
          ['delivered', '2026-12-05T11:00:00Z'],
        ],
        500,
      ),
      parcel('pp', '2026-12-04', null, [['exception', '2026-12-04T09:00:00Z', 'Parcel damaged in sorting']], 600),
      parcel('pp', null, '2026-12-06', [['delivered', '2026-12-06T10:00:00Z']], 700),
    ]);
    expect(pp).toEqual({
      carrierCode: 'pp',
      parcels: 4,
      delivered: 3,
      deliveredWithTarget: 2,
      onTime: 1,
      onTimeRate: 0.5,
      firstAttemptRate: 2 / 3,
      exceptionRate: 0.5,
      damageRate: 0.25,
      costPerParcelMinor: 550,
      currency: 'EUR',
    });
    expect(scoreCarriers([])).toEqual([]);
    expect(scoreCarriers([parcel('x', null, null, [], 0)])[0]).toMatchObject({
      onTimeRate: null,
      firstAttemptRate: null,
      exceptionRate: 0,
    });
  });

  it('rates stay within [0, 1] and parcels add up per carrier (property)', () => {
    const day = fc.constantFrom('2026-12-03', '2026-12-04', '2026-12-05');
    const row = fc.record({
      carrier: fc.constantFrom('a', 'b', 'c'),
      targetDay: fc.option(day, { nil: null }),
      deliveredDay: fc.option(day, { nil: null }),
      events: fc.array(
        fc.record({
          status: fc.constantFrom('in_transit', 'failure', 'exception', 'delivered'),
          at: fc.constant('2026-12-04T10:00:00Z'),
          detail: fc.constantFrom('', 'damaged'),
        }),
      ),
      quotedCostMinor: fc.option(fc.nat(10_000), { nil: null }),
      currency: fc.constant('EUR'),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const cards = scoreCarriers(rows);
        expect(cards.reduce((s, c) => s + c.parcels, 0)).toBe(rows.length);
        for (const c of cards)
          for (const r of [c.onTimeRate, c.firstAttemptRate, c.exceptionRate, c.damageRate])
            if (r != null) expect(r >= 0 && r <= 1).toBe(true);
      }),
    );
  });

  it('a carrier below the on-time bar over enough parcels is counted a day late against the promise', () => {
    const bad = scoreCarriers(Array.from({ length: 20 }, (_, i) => parcel('pp', '2026-12-04', i < 12 ? '2026-12-04' : '2026-12-06')))[0];
    expect(bad!.onTimeRate).toBe(0.6);
    expect(riskDaysOf(bad, 0.9, 20)).toBe(1);
    expect(riskDaysOf(bad, 0.9, 21)).toBe(0); // too few parcels to judge
    expect(riskDaysOf(undefined, 0.9, 20)).toBe(0);
    // PolderPost is cheaper and due on the promise day, but counted a day late: the dearer on-time service is chosen.
    const c = chooseService(
      [
        { carrier: 'polderpost', service: 'standard', totalMinor: 600, estimatedDelivery: '2026-12-07', riskDays: 1 },
        { carrier: 'swiftair', service: 'express', totalMinor: 1900, estimatedDelivery: '2026-12-05', riskDays: 0 },
      ],
      '2026-12-07',
    )!;
    expect([c.chosen.carrier, c.late]).toEqual(['swiftair', false]);
    expect(c.reason).toMatch(/polderpost\/standard counted 1 day\(s\) late for a scorecard below the on-time bar/);
  });
});
