import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carrierOf, planPickLists, selectWaveOrders, type WaveCandidate, type WaveFilter } from './wave-planner.js';

const NOW = Date.UTC(2026, 10, 25, 12);
const cand = (id: string, o: Partial<WaveCandidate> = {}): WaveCandidate => ({
  orderId: id,
  lineCount: 1,
  unitCount: 1,
  shippingMethod: 'dhl:express',
  promiseMs: null,
  priorityRank: 1,
  createdMs: NOW - 1000,
  zoneIds: [],
  allocated: true,
  ...o,
});
const any: WaveFilter = { carrierCodes: [], serviceCodes: [], zoneIds: [], orderProfile: 'any', cutoffWithinS: null, maxOrders: 100 };

describe('selectWaveOrders', () => {
  it('applies every filter and logs the reason for each order left out', () => {
    const cs = [
      cand('single-dhl'),
      cand('multi-dhl', { lineCount: 3 }),
      cand('single-ups', { shippingMethod: 'ups-ground' }),
      cand('short', { allocated: false }),
      cand('late', { promiseMs: NOW + 10 * 3600_000 }),
      cand('soon', { promiseMs: NOW + 1800_000 }),
    ];
    const r = selectWaveOrders(cs, { ...any, carrierCodes: ['DHL'], orderProfile: 'single_line', cutoffWithinS: 3600 }, NOW);
    expect(r.orderIds).toEqual(['soon']);
    const why = Object.fromEntries(r.log.map((l) => [l.orderId, l.reason]));
    expect(why['multi-dhl']).toMatch(/single-line/);
    expect(why['single-ups']).toMatch(/carrier/);
    expect(why.short).toBe('not fully allocated');
    expect(why['single-dhl']).toMatch(/cut-off/);
    expect(r.log).toHaveLength(cs.length);
  });

  it('takes the most urgent first (express, earliest promise, oldest) up to the cap', () => {
    const cs = [
      cand('std-old', { createdMs: 1 }),
      cand('express', { priorityRank: 0 }),
      cand('promised', { promiseMs: NOW + 60_000 }),
      cand('std-new', { createdMs: 5 }),
    ];
    const r = selectWaveOrders(cs, { ...any, maxOrders: 3 }, NOW);
    expect(r.orderIds).toEqual(['express', 'promised', 'std-old']);
    expect(r.log.find((l) => l.orderId === 'std-new')!.reason).toMatch(/wave full/);
  });

  it('filters by zone and by shipping method', () => {
    expect(
      selectWaveOrders([cand('a', { zoneIds: ['z1'] }), cand('b', { zoneIds: ['z1', 'z2'] })], { ...any, zoneIds: ['z1'] }, NOW).orderIds,
    ).toEqual(['a']);
    expect(
      selectWaveOrders([cand('a'), cand('b', { shippingMethod: 'dhl:economy' })], { ...any, serviceCodes: ['dhl:economy'] }, NOW).orderIds,
    ).toEqual(['b']);
    expect(carrierOf('PostNL_standard')).toBe('postnl');
    expect(carrierOf(null)).toBeNull();
  });
});

describe('planPickLists', () => {
  const gen = fc.record({
    orders: fc.integer({ min: 1, max: 30 }),
    lines: fc.array(fc.record({ order: fc.nat(29), zone: fc.constantFrom('z1', 'z2', 'z3', null) }), { minLength: 1, maxLength: 80 }),
    mode: fc.constantFrom('discrete' as const, 'batch' as const, 'zone' as const),
    slots: fc.integer({ min: 1, max: 10 }),
  });

  it('puts every line on exactly one list, respects cart slots, keeps zone lists in one zone', () => {
    fc.assert(
      fc.property(gen, ({ orders, lines, mode, slots }) => {
        const orderIds = Array.from({ length: orders }, (_, i) => `o${i}`);
        const input = lines.map((l, i) => ({ key: `k${i}`, orderId: `o${l.order % orders}`, zoneId: l.zone }));
        const plans = planPickLists(orderIds, input, mode, slots);
        const keys = plans.flatMap((p) => p.lineKeys);
        expect(keys.sort()).toEqual(input.map((l) => l.key).sort());
        for (const p of plans) {
          expect(p.orderIds.length).toBeLessThanOrEqual(mode === 'discrete' ? 1 : slots);
          const lineOrders = new Set(p.lineKeys.map((k) => input.find((l) => l.key === k)!.orderId));
          expect([...lineOrders].sort()).toEqual([...p.orderIds].sort());
          if (mode === 'zone') for (const k of p.lineKeys) expect(input.find((l) => l.key === k)!.zoneId).toBe(p.zoneId);
        }
      }),
      { numRuns: 200 },
    );
  });
});
