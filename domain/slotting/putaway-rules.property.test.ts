import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposePutaway, type PutawayItem, type PutawayLocation } from './putaway-rules.js';

const temps = ['ambient', 'chilled', 'frozen'] as const;
const skuIds = ['s1', 's2', 's3', 's4'];
const hazmats = [null, null, '3', '8'];

const content = fc.record({
  skuId: fc.constantFrom(...skuIds),
  lot: fc.constantFrom(null, 'L1', 'L2'),
  qty: fc.integer({ min: 0, max: 50 }),
  unitVolumeMm3: fc.integer({ min: 1, max: 5_000_000 }),
  unitWeightG: fc.integer({ min: 1, max: 20_000 }),
  hazmatClass: fc.constantFrom(...hazmats),
});

const location = (i: number) =>
  fc.record({
    id: fc.constant(`loc${i}`),
    code: fc.constant(`L-${String(i).padStart(3, '0')}`),
    type: fc.constantFrom('reserve', 'pick_face', 'quarantine', 'dock', 'staging'),
    temperature: fc.constantFrom(...temps),
    hazmatAllowed: fc.boolean(),
    golden: fc.boolean(),
    xMm: fc.integer({ min: 0, max: 100_000 }),
    yMm: fc.integer({ min: 0, max: 100_000 }),
    maxVolumeMm3: fc.option(fc.integer({ min: 1, max: 200_000_000 }), { nil: null }),
    maxWeightG: fc.option(fc.integer({ min: 1, max: 500_000 }), { nil: null }),
    maxSkus: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    mixedLots: fc.boolean(),
    faceSkuId: fc.option(fc.constantFrom(...skuIds), { nil: null }),
    contents: fc.array(content, { maxLength: 4 }),
  });

const layout = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => location(i))));

const item: fc.Arbitrary<PutawayItem> = fc.record({
  skuId: fc.constantFrom(...skuIds),
  qty: fc.integer({ min: 1, max: 200 }),
  unitVolumeMm3: fc.integer({ min: 1, max: 5_000_000 }),
  unitWeightG: fc.integer({ min: 1, max: 20_000 }),
  temperature: fc.constantFrom(...temps),
  hazmatClass: fc.constantFrom(...hazmats),
  lot: fc.constantFrom(null, 'L1', 'L2'),
  velocity: fc.constantFrom('A', 'B', 'C', null),
  status: fc.constantFrom('available', 'available', 'quarantine', 'damaged'),
  wholeLpn: fc.boolean(),
});

/** Independent check of the location after the put: written from the rules, not from the proposer's code. */
function broken(it: PutawayItem, loc: PutawayLocation, qty: number): string | null {
  const after = [...loc.contents.filter((c) => c.qty > 0), { ...it, qty }];
  if (it.status === 'available' && loc.type !== 'reserve' && loc.type !== 'pick_face') return 'type';
  if (it.status !== 'available' && loc.type !== 'quarantine') return 'quarantine type';
  if (it.temperature !== loc.temperature) return 'temperature';
  if (it.hazmatClass && !loc.hazmatAllowed) return 'hazmat zone';
  if (new Set(after.map((c) => c.hazmatClass).filter(Boolean)).size > 1) return 'hazmat segregation';
  if (loc.faceSkuId && loc.faceSkuId !== it.skuId) return 'face sku';
  if (loc.maxVolumeMm3 !== null && after.reduce((s, c) => s + c.qty * c.unitVolumeMm3, 0) > loc.maxVolumeMm3) return 'volume';
  if (loc.maxWeightG !== null && after.reduce((s, c) => s + c.qty * c.unitWeightG, 0) > loc.maxWeightG) return 'weight';
  if (loc.maxSkus !== null && new Set(after.map((c) => c.skuId)).size > loc.maxSkus) return 'skus';
  if (!loc.mixedLots && new Set(after.map((c) => c.lot ?? '')).size > 1) return 'lots';
  return null;
}

describe('putaway proposals', () => {
  it('never break a constraint, never propose more than arrived, never split a whole LPN', () => {
    fc.assert(
      fc.property(layout, item, (locs, it) => {
        const props = proposePutaway(it, locs, { xMm: 0, yMm: 0 });
        const total = props.reduce((s, p) => s + p.qty, 0);
        expect(total).toBeLessThanOrEqual(it.qty);
        if (it.wholeLpn) expect(props.length === 0 || (props.length === 1 && total === it.qty)).toBe(true);
        expect(new Set(props.map((p) => p.locationId)).size).toBe(props.length);
        for (const p of props) {
          expect(p.qty).toBeGreaterThan(0);
          expect(
            broken(
              it,
              locs.find((l) => l.id === p.locationId)!,
              p.qty,
            ),
          ).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('finds a home when one exists: an empty matching reserve location always gets a proposal', () => {
    fc.assert(
      fc.property(layout, item, (locs, it) => {
        const free: PutawayLocation = {
          id: 'free',
          code: 'Z-999',
          type: it.status === 'available' ? 'reserve' : 'quarantine',
          temperature: it.temperature,
          hazmatAllowed: true,
          golden: false,
          xMm: 0,
          yMm: 0,
          maxVolumeMm3: null,
          maxWeightG: null,
          maxSkus: null,
          mixedLots: true,
          faceSkuId: null,
          contents: [],
        };
        const props = proposePutaway(it, [...locs, free], { xMm: 0, yMm: 0 });
        expect(props.reduce((s, p) => s + p.qty, 0)).toBe(it.qty);
      }),
      { numRuns: 500 },
    );
  });

  it('prefers consolidation, and fast movers go to golden-zone pick faces while slow movers go to reserve', () => {
    const base = {
      temperature: 'ambient' as const,
      hazmatAllowed: false,
      xMm: 0,
      yMm: 0,
      maxVolumeMm3: null,
      maxWeightG: null,
      maxSkus: null,
      mixedLots: true,
      faceSkuId: null,
      contents: [],
    };
    const locs: PutawayLocation[] = [
      { ...base, id: 'g', code: 'G', type: 'pick_face', golden: true },
      { ...base, id: 'r', code: 'R', type: 'reserve', golden: false },
      {
        ...base,
        id: 'c',
        code: 'C',
        type: 'reserve',
        golden: false,
        contents: [{ skuId: 'x', lot: 'L1', qty: 5, unitVolumeMm3: 1, unitWeightG: 1, hazmatClass: null }],
      },
    ];
    const it = (o: Partial<PutawayItem>): PutawayItem => ({
      skuId: 'y',
      qty: 5,
      unitVolumeMm3: 1,
      unitWeightG: 1,
      temperature: 'ambient',
      hazmatClass: null,
      lot: null,
      velocity: null,
      status: 'available',
      ...o,
    });
    expect(proposePutaway(it({ velocity: 'A' }), locs, { xMm: 0, yMm: 0 })[0]!.locationId).toBe('g');
    expect(proposePutaway(it({ velocity: 'C' }), locs, { xMm: 0, yMm: 0 })[0]!.locationId).toBe('r');
    expect(proposePutaway(it({ skuId: 'x', lot: 'L1', velocity: 'A' }), locs, { xMm: 0, yMm: 0 })[0]!.locationId).toBe('c');
    expect(proposePutaway(it({ temperature: 'frozen' }), locs, { xMm: 0, yMm: 0 })).toEqual([]);
  });
});
