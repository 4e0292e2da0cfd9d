import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PutawayLocation } from './putaway-rules.js';
import { faceFits, planReslot, type ReslotInput, type SlotFace, type SlotSku } from './reslot-rules.js';
import { classCounts, computeVelocity } from './velocity.js';

const face = (id: string, costMm: number, extra: Partial<SlotFace> = {}): SlotFace => ({
  id,
  code: id,
  type: 'pick_face',
  temperature: 'ambient',
  hazmatAllowed: false,
  golden: false,
  xMm: 0,
  yMm: 0,
  maxVolumeMm3: null,
  maxWeightG: null,
  maxSkus: 1,
  mixedLots: true,
  faceSkuId: null,
  contents: [],
  costMm,
  ...extra,
});
const sku = (skuId: string, picksPerWeek: number, currentFaceId: string | null, extra: Partial<SlotSku> = {}): SlotSku => ({
  skuId,
  code: skuId,
  picksPerWeek,
  cubePerOrderIndex: null,
  item: {
    skuId,
    qty: 10,
    unitVolumeMm3: 1000,
    unitWeightG: 100,
    temperature: 'ambient',
    hazmatClass: null,
    lot: null,
    velocity: null,
    status: 'available',
  },
  lots: [],
  currentFaceId,
  ...extra,
});
const reserve = (id: string): PutawayLocation => ({ ...face(id, 99_000), type: 'reserve', maxSkus: null });

/** Runs the moves in seq order on an occupancy map; throws if a move finds its destination face taken or its stock absent. */
function execute(input: ReslotInput, moves: ReturnType<typeof planReslot>['moves']): Map<string, string> {
  const at = new Map<string, string>(); // location -> sku
  for (const s of input.skus) if (s.currentFaceId) at.set(s.currentFaceId, s.skuId);
  const faces = new Set(input.faces.map((f) => f.id));
  const done = new Set<number>();
  for (const m of [...moves].sort((a, b) => a.seq - b.seq)) {
    if (m.dependsOn !== null && !done.has(m.dependsOn)) throw new Error(`move ${m.seq} runs before ${m.dependsOn}`);
    if (faces.has(m.toLocationId) && at.has(m.toLocationId)) throw new Error(`move ${m.seq} finds ${m.toLocationId} taken`);
    if (faces.has(m.fromLocationId) || m.kind === 'from_buffer') {
      if (at.get(m.fromLocationId) !== m.skuId) throw new Error(`move ${m.seq}: ${m.skuId} is not at ${m.fromLocationId}`);
      at.delete(m.fromLocationId);
    }
    if (faces.has(m.toLocationId) || m.kind === 'to_buffer') at.set(m.toLocationId, m.skuId);
    done.add(m.seq);
  }
  return at;
}

describe('velocity', () => {
  it('classes SKUs ABC by picks (80/95) and computes the cube-per-order index', () => {
    const picks = [
      ...Array.from({ length: 80 }, (_, i) => ({ skuId: 'a', orderKey: `o${i}`, qty: 1 })),
      ...Array.from({ length: 15 }, (_, i) => ({ skuId: 'b', orderKey: `o${i}`, qty: 2 })),
      ...Array.from({ length: 5 }, (_, i) => ({ skuId: 'c', orderKey: `o${i % 2}`, qty: 1 })),
    ];
    const v = computeVelocity(
      picks,
      [
        { skuId: 'c', unitVolumeMm3: 1_000_000, onHand: 10 },
        { skuId: 'z', unitVolumeMm3: 1, onHand: 1 },
      ],
      {
        weeks: 10,
      },
    );
    expect(v.map((x) => [x.skuId, x.velocityClass, x.picks, x.rank])).toEqual([
      ['a', 'A', 80, 1],
      ['b', 'B', 15, 2],
      ['c', 'C', 5, 3],
      ['z', 'C', 0, 4],
    ]);
    expect(v[1]!.units).toBe(30);
    expect(v[0]!.picksPerWeek).toBe(8);
    // c: 10 litres on hand, 2 distinct orders in 10 weeks → 0.2 orders/week → 50 litres per order per week.
    expect(v[2]!.cubePerOrderIndex).toBeCloseTo(50);
    expect(v[3]!.cubePerOrderIndex).toBeNull();
    expect(classCounts(v)).toEqual({ A: 1, B: 1, C: 2 });
  });
});

describe('re-slotting plan', () => {
  it('moves the fast mover to the best face and the slow one away, in an order that never waits', () => {
    const input: ReslotInput = {
      faces: [face('near', 10_000), face('far', 60_000)],
      skus: [sku('slow', 1, 'near'), sku('fast', 50, 'far')],
      buffers: [reserve('buf')],
      demoteTo: new Map(),
    };
    const plan = planReslot(input);
    expect(plan.assignment.get('near')).toBe('fast');
    expect(plan.assignment.get('far')).toBe('slow');
    // A swap is a cycle: one SKU is parked in the buffer first.
    expect(plan.moves.map((m) => m.kind)).toEqual(['to_buffer', 'relocate', 'from_buffer']);
    const fast = plan.proposals.find((p) => p.skuId === 'fast')!;
    expect(fast.estSavedMmPerWeek).toBe(50 * 50_000);
    expect(execute(input, plan.moves)).toEqual(new Map([...plan.assignment.entries()]));
  });

  it('never puts a frozen or hazmat SKU on a face that may not hold it, and keeps small savings in place', () => {
    const input: ReslotInput = {
      faces: [face('amb-near', 5_000), face('frz-far', 50_000, { temperature: 'frozen' }), face('haz', 40_000, { hazmatAllowed: true })],
      skus: [
        sku('ice', 100, 'frz-far', { item: { ...sku('ice', 0, null).item, temperature: 'frozen' } }),
        sku('acid', 90, 'haz', { item: { ...sku('acid', 0, null).item, hazmatClass: '8' } }),
        sku('tea', 0.001, 'amb-near'),
      ],
      buffers: [],
      demoteTo: new Map(),
    };
    const plan = planReslot(input);
    expect(plan.moves).toEqual([]);
    expect(plan.assignment.get('frz-far')).toBe('ice');
  });

  it('promotes an unfaced fast mover and demotes the slowest to reserve', () => {
    const input: ReslotInput = {
      faces: [face('f1', 10_000), face('f2', 20_000)],
      skus: [sku('a', 30, 'f2'), sku('b', 0.1, 'f1'), sku('new', 80, null, { source: { locationId: 'res-9', costMm: 90_000 } })],
      buffers: [],
      demoteTo: new Map([['b', { locationId: 'res-1', costMm: 80_000 }]]),
    };
    const plan = planReslot(input);
    expect(plan.assignment).toEqual(
      new Map([
        ['f1', 'new'],
        ['f2', 'a'],
      ]),
    );
    expect(plan.proposals.map((p) => [p.skuId, p.kind]).sort()).toEqual([
      ['b', 'demote'],
      ['new', 'promote'],
    ]);
    const promote = plan.moves.find((m) => m.kind === 'promote')!;
    const demote = plan.moves.find((m) => m.kind === 'demote')!;
    expect(promote.dependsOn).toBe(demote.seq);
  });

  it('property: every move is executable in seq order, no face gets a SKU it may not hold, the end state is the assignment', () => {
    const temps = ['ambient', 'chilled', 'frozen'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 14 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (nFaces, nSkus, nBuffers, seed) => {
          let x = seed;
          const r = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32) as number;
          const faces = Array.from({ length: nFaces }, (_, i) =>
            face(`F${i}`, Math.floor(r() * 100_000), {
              temperature: temps[Math.floor(r() * 3)]!,
              hazmatAllowed: r() < 0.3,
              golden: r() < 0.4,
              maxVolumeMm3: r() < 0.3 ? 5_000 + Math.floor(r() * 20_000) : null,
              mixedLots: r() < 0.7,
            }),
          );
          const free = [...faces];
          const skus: SlotSku[] = [];
          for (let i = 0; i < nSkus; i++) {
            const base = sku(`S${i}`, Math.floor(r() * 100) / 4, null);
            const s: SlotSku = {
              ...base,
              item: {
                ...base.item,
                temperature: temps[Math.floor(r() * 3)]!,
                hazmatClass: r() < 0.2 ? '3' : null,
                qty: 1 + Math.floor(r() * 20),
              },
              lots: r() < 0.2 ? ['L1', 'L2'] : [],
            };
            // Current faces are only ones the SKU may stand on (as the ledger enforces).
            const k = free.findIndex((f) => faceFits(s, f));
            if (k >= 0 && r() < 0.8) s.currentFaceId = free.splice(k, 1)[0]!.id;
            else if (r() < 0.5) s.source = { locationId: `R${i}`, costMm: 120_000 };
            skus.push(s);
          }
          const buffers = Array.from({ length: nBuffers }, (_, i) => ({
            ...reserve(`B${i}`),
            temperature: temps[i % 3]!,
            hazmatAllowed: true,
          }));
          const demoteTo = new Map(skus.filter(() => r() < 0.7).map((s) => [s.skuId, { locationId: `D-${s.skuId}`, costMm: 150_000 }]));
          const input: ReslotInput = { faces, skus, buffers, demoteTo };
          const plan = planReslot(input, { minSavingMmPerWeek: Math.floor(r() * 50_000) });
          const end = execute(input, plan.moves);
          const faceIds = new Set(faces.map((f) => f.id));
          const endFaces = new Map([...end.entries()].filter(([loc]) => faceIds.has(loc)));
          expect(endFaces).toEqual(plan.assignment);
          for (const [faceId, skuId] of plan.assignment) {
            const s = skus.find((k) => k.skuId === skuId)!;
            if (s.currentFaceId !== faceId)
              expect(
                faceFits(
                  s,
                  faces.find((f) => f.id === faceId)!,
                ),
              ).toBe(true);
          }
          // Nothing is left parked in a buffer.
          for (const b of buffers) expect(end.has(b.id)).toBe(false);
          for (const m of plan.moves) if (m.dependsOn !== null) expect(m.dependsOn).toBeLessThan(m.seq);
        },
      ),
      { numRuns: 400 },
    );
  });
});
