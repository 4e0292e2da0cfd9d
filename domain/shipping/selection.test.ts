import { describe, expect, it } from 'vitest';
import { chooseService } from './selection.js';
import { deliveryDay, shipDay, type ServiceCalendar } from './transit.js';
import { zoneFor, zoneRowsFromCsv } from './zones.js';

const cal: ServiceCalendar = {
  cutoffLocal: '16:00',
  timeZone: 'Europe/Amsterdam',
  pickupWeekdays: [1, 2, 3, 4, 5],
  deliveryWeekdays: [1, 2, 3, 4, 5],
  holidays: ['2026-12-25'],
};

describe('ship and delivery days', () => {
  it('before the cut-off ships today; after it ships on the next pickup day', () => {
    // Thursday 2026-11-26, 15:59 and 16:01 in Amsterdam (UTC+1).
    expect(shipDay(new Date('2026-11-26T14:59:00Z'), cal)).toBe('2026-11-26');
    expect(shipDay(new Date('2026-11-26T15:01:00Z'), cal)).toBe('2026-11-27');
  });

  it('across a weekend: Friday after cut-off ships Monday; 1 day transit from Friday delivers Monday', () => {
    expect(shipDay(new Date('2026-11-27T16:30:00Z'), cal)).toBe('2026-11-30');
    expect(deliveryDay('2026-11-27', 1, cal)).toBe('2026-11-30');
    const saturday = { ...cal, deliveryWeekdays: [1, 2, 3, 4, 5, 6] };
    expect(deliveryDay('2026-11-27', 1, saturday)).toBe('2026-11-28');
  });

  it('skips carrier holidays for pickup and for delivery', () => {
    expect(shipDay(new Date('2026-12-25T09:00:00Z'), cal)).toBe('2026-12-28');
    expect(deliveryDay('2026-12-24', 1, cal)).toBe('2026-12-28');
  });
});

describe('choosing a service', () => {
  // Friday 17:00 order, promise Tuesday: ground (2 days, from Monday) arrives Wednesday; express (1 day) arrives Tuesday.
  const ready = new Date('2026-11-27T16:00:00Z');
  const ship = shipDay(ready, cal);
  const quotes = [
    { carrier: 'parcelco', service: 'ground', totalMinor: 700, estimatedDelivery: deliveryDay(ship, 2, cal) },
    { carrier: 'parcelco', service: 'express', totalMinor: 1900, estimatedDelivery: deliveryDay(ship, 1, cal) },
    { carrier: 'swiftpost', service: 'next-day', totalMinor: 1500, estimatedDelivery: deliveryDay(ship, 1, cal) },
  ];

  it('takes the cheapest service that meets the promise date across a weekend and a cut-off', () => {
    expect(quotes.map((q) => q.estimatedDelivery)).toEqual(['2026-12-02', '2026-12-01', '2026-12-01']);
    const c = chooseService(quotes, '2026-12-01')!;
    expect([c.chosen.carrier, c.chosen.service, c.late]).toEqual(['swiftpost', 'next-day', false]);
    expect(c.reason).toMatch(/1 cheaper service\(s\) would arrive after the promise/);
    // The same order placed Friday before the cut-off ships Friday: ground arrives Tuesday and wins on price.
    const early = shipDay(new Date('2026-11-27T10:00:00Z'), cal);
    const c2 = chooseService(
      quotes.map((q) => ({ ...q, estimatedDelivery: deliveryDay(early, q.service === 'ground' ? 2 : 1, cal) })),
      '2026-12-01',
    )!;
    expect([c2.chosen.service, c2.late]).toEqual(['ground', false]);
  });

  it('when none meets the promise, takes the fastest and flags it late', () => {
    const c = chooseService(quotes, '2026-11-30')!;
    expect(c.late).toBe(true);
    expect(c.chosen.estimatedDelivery).toBe('2026-12-01');
    expect(c.chosen.service).toBe('next-day'); // fastest, then cheapest
    expect(c.reason).toMatch(/flagged late/);
  });

  it('without a promise date takes the cheapest; with no quotes, nothing', () => {
    expect(chooseService(quotes)!.chosen.service).toBe('ground');
    expect(chooseService([], '2026-12-01')).toBeUndefined();
  });
});

describe('zones from postal codes', () => {
  const { rows, errors } = zoneRowsFromCsv([
    { line: 1, fields: ['origin_prefix', 'dest_from', 'dest_to', 'zone'] },
    { line: 2, fields: ['10', '10', '19', '1'] },
    { line: 3, fields: ['10', '20', '39', '2'] },
    { line: 4, fields: ['10', '4', '9', '3'] },
    { line: 5, fields: ['10', '00', '09', '-'] },
  ]);
  it('imports a chart and looks zones up by origin and destination prefix', () => {
    expect(errors).toEqual([]);
    expect(zoneFor(rows, '1015 CJ', '1017 AB')).toBe('1');
    expect(zoneFor(rows, '1015CJ', '3011 AD')).toBe('2');
    expect(zoneFor(rows, '1015CJ', '5611 AB')).toBe('3');
    expect(zoneFor(rows, '1015CJ', '0999')).toBeUndefined();
    expect(zoneFor(rows, '2000', '1017')).toBeUndefined();
  });
  it('reports bad rows with their line', () => {
    const bad = zoneRowsFromCsv([
      { line: 1, fields: ['origin_prefix', 'dest_from', 'dest_to', 'zone'] },
      { line: 2, fields: ['10', '30', '20', '1'] },
      { line: 3, fields: ['10', '', '', '1'] },
    ]);
    expect(bad.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(zoneRowsFromCsv([{ line: 1, fields: ['a', 'b'] }]).errors[0]!.message).toMatch(/missing column/);
  });
});
