/**
 * Slotting benchmark core: a generated pick area and a year of generated orders (or real order lines),
 * velocity from the first weeks, re-slotting proposals from `planReslot`, and picker travel on the
 * held-back weeks with the pick-path optimizer, before (slotting as it stood) and after the proposals.
 */
import { performance } from 'node:perf_hooks';
import { fromLocations, sequencePicks, type LocationGraph } from '../../domain/picking/pick-path/index.js';
import { mulberry32 } from '../../domain/shared/rng.js';
import type { PutawayLocation, Temperature } from '../../domain/slotting/putaway-rules.js';
import { faceFits, planReslot, type SlotFace, type SlotSku } from '../../domain/slotting/reslot-rules.js';
import { computeVelocity, type PickRecord } from '../../domain/slotting/velocity.js';

export interface BenchSku {
  id: string;
  unitVolumeMm3: number;
  temperature: Temperature;
  hazmatClass: string | null;
  /** Units a face holds (its max). */
  faceQty: number;
}
export interface BenchOrder {
  week: number;
  skus: string[];
}
export interface BenchData {
  skus: BenchSku[];
  orders: BenchOrder[];
  weeks: number;
  source: string;
}

const AISLE_SPACING_MM = 3000;
const BAY_MM = 1300;
const FRONT_MM = 2000;

/** A single-block pick area: `aisles` aisles of `bays` bays, a face on both sides and two levels (level 1 golden). */
export function generateArea(aisles: number, bays: number): { faces: SlotFace[]; graph: LocationGraph } {
  const faces: SlotFace[] = [];
  const rows: { code: string; xMm: number; yMm: number; aisle: string }[] = [];
  for (let a = 0; a < aisles; a++) {
    // The last aisle is chilled, the one before it may hold hazmat.
    const temperature: Temperature = a === aisles - 1 ? 'chilled' : 'ambient';
    const hazmatAllowed = a === aisles - 2;
    for (let b = 0; b < bays; b++)
      for (const side of [0, 1])
        for (const level of [1, 2]) {
          const code = `A${String(a + 1).padStart(2, '0')}-${String(b + 1).padStart(2, '0')}-${side ? 'R' : 'L'}${level}`;
          const xMm = a * AISLE_SPACING_MM;
          const yMm = FRONT_MM + b * BAY_MM + BAY_MM / 2;
          rows.push({ code, xMm, yMm, aisle: `A${a}` });
          faces.push({
            id: code,
            code,
            type: 'pick_face',
            temperature,
            hazmatAllowed,
            golden: level === 1,
            xMm,
            yMm,
            maxVolumeMm3: level === 1 ? 60_000_000 : 120_000_000,
            maxWeightG: null,
            maxSkus: 1,
            mixedLots: true,
            faceSkuId: null,
            contents: [],
            costMm: 0,
          });
        }
  }
  // Pack stations at the front cross aisle, at the first aisle.
  const graph = fromLocations(rows, { xMm: 0, yMm: 0 }, { crossAislesYMm: [FRONT_MM, FRONT_MM + bays * BAY_MM] });
  for (const f of faces) f.costMm = sequencePicks(graph.layout, [graph.locations.get(f.code)!], graph.depot).lengthMm;
  return { faces, graph };
}

/**
 * A year of e-commerce orders: SKU popularity follows a Zipf law (exponent `skew`, ~80 % of lines on
 * ~20 % of SKUs at 1.0), lines per order 1 + geometric (mean ~2), no SKU twice in an order; 5 % of
 * SKUs chilled, 3 % hazmat, unit volumes log-normal.
 */
export function generateOrders(o: { skus: number; weeks: number; ordersPerWeek: number; skew: number; seed: number }): BenchData {
  const rnd = mulberry32(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const skus: BenchSku[] = Array.from({ length: o.skus }, (_, i) => {
    const r = rnd();
    return {
      id: `SKU-${String(i).padStart(5, '0')}`,
      unitVolumeMm3: Math.round(Math.min(2_000_000, Math.exp(12.5 + 0.9 * normal()))),
      temperature: r < 0.05 ? 'chilled' : 'ambient',
      hazmatClass: r >= 0.05 && r < 0.08 ? '3' : null,
      faceQty: 12 + Math.floor(rnd() * 36),
    };
  });
  // Popularity ranks are shuffled against SKU ids, so the id order (the "as received" slotting) says nothing of velocity.
  const rankOf = skus.map((_, i) => i);
  for (let i = rankOf.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rankOf[i], rankOf[j]] = [rankOf[j]!, rankOf[i]!];
  }
  const weights = rankOf.map((r) => 1 / (r + 1) ** o.skew);
  const cum: number[] = [];
  let t = 0;
  for (const w of weights) cum.push((t += w));
  const draw = () => {
    const x = rnd() * t;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const orders: BenchOrder[] = [];
  for (let w = 0; w < o.weeks; w++)
    for (let k = 0; k < o.ordersPerWeek; k++) {
      let lines = 1;
      while (lines < 8 && rnd() < 0.5) lines++;
      const set = new Set<number>();
      while (set.size < lines) set.add(draw());
      orders.push({ week: w, skus: [...set].map((i) => skus[i]!.id) });
    }
  return {
    skus,
    orders,
    weeks: o.weeks,
    source: `generated: ${o.skus} SKUs, ${o.weeks} weeks × ${o.ordersPerWeek} orders, Zipf ${o.skew}, seed ${o.seed}`,
  };
}

/** Reads order lines from CSV `order_id,sku[,week]` (header required); without `week`, file order splits the weeks evenly. */
export function parseOrderCsv(text: string): BenchData {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = lines
    .shift()!
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const oi = head.indexOf('order_id');
  const si = head.indexOf('sku');
  const wi = head.indexOf('week');
  if (oi < 0 || si < 0) throw new Error('CSV needs the columns order_id and sku');
  const byOrder = new Map<string, { week: number; skus: Set<string> }>();
  lines.forEach((l, n) => {
    const c = l.split(',');
    const id = c[oi]!.trim();
    let o = byOrder.get(id);
    if (!o) byOrder.set(id, (o = { week: wi >= 0 ? Number(c[wi]) : n, skus: new Set() }));
    o.skus.add(c[si]!.trim());
  });
  const all = [...byOrder.values()];
  const weeks = wi >= 0 ? Math.max(...all.map((o) => o.week)) + 1 : 52;
  const orders = all.map((o, i) => ({ week: wi >= 0 ? o.week : Math.floor((i * weeks) / all.length), skus: [...o.skus] }));
  const ids = [...new Set(orders.flatMap((o) => o.skus))].sort();
  const rnd = mulberry32(1);
  const skus = ids.map((id) => ({
    id,
    unitVolumeMm3: 500_000,
    temperature: 'ambient' as Temperature,
    hazmatClass: null,
    faceQty: 12 + Math.floor(rnd() * 36),
  }));
  return { skus, orders, weeks, source: `--data (${orders.length} orders, ${ids.length} SKUs, ${weeks} weeks)` };
}

export interface SlottingResult {
  source: string;
  faces: number;
  skus: number;
  trainWeeks: number;
  testOrders: number;
  travelBeforeMm: number;
  travelAfterMm: number;
  proposals: number;
  moves: number;
  bufferMoves: number;
  skipped: number;
  planMs: number;
  velocityMs: number;
  travelMs: number;
}

/** Runs the experiment: "before" is the slotting as received (SKUs on faces in id order, constraints respected). */
export function runSlotting(
  data: BenchData,
  o: { aisles: number; bays: number; testShare?: number; minSavingMmPerWeek?: number },
): SlottingResult {
  const { faces, graph } = generateArea(o.aisles, o.bays);
  const skuOf = new Map(data.skus.map((s) => [s.id, s]));
  const slotSku = (s: BenchSku, ppw = 0, coi: number | null = null, currentFaceId: string | null = null): SlotSku => ({
    skuId: s.id,
    code: s.id,
    picksPerWeek: ppw,
    cubePerOrderIndex: coi,
    item: {
      skuId: s.id,
      qty: s.faceQty,
      unitVolumeMm3: s.unitVolumeMm3,
      unitWeightG: 0,
      temperature: s.temperature,
      hazmatClass: s.hazmatClass,
      lot: null,
      velocity: null,
      status: 'available',
    },
    lots: [],
    currentFaceId,
  });
  // Before: each SKU on the first free face (by code) it may stand on.
  const before = new Map<string, string>();
  const taken = new Set<string>();
  const byCode = [...faces].sort((a, b) => (a.code < b.code ? -1 : 1));
  for (const s of data.skus) {
    const f = byCode.find((x) => !taken.has(x.id) && faceFits(slotSku(s), x));
    if (!f) throw new Error(`no face fits ${s.id}: make the area bigger`);
    before.set(s.id, f.id);
    taken.add(f.id);
  }
  const testFrom = Math.floor(data.weeks * (1 - (o.testShare ?? 0.25)));
  const train = data.orders.filter((x) => x.week < testFrom);
  const test = data.orders.filter((x) => x.week >= testFrom);
  const t0 = performance.now();
  const picks: PickRecord[] = train.flatMap((ord, i) => ord.skus.map((skuId) => ({ skuId, orderKey: String(i), qty: 1 })));
  const velocity = computeVelocity(
    picks,
    data.skus.map((s) => ({ skuId: s.id, unitVolumeMm3: s.unitVolumeMm3, onHand: s.faceQty })),
    { weeks: testFrom },
  );
  const velocityMs = performance.now() - t0;
  const t1 = performance.now();
  const buffers: PutawayLocation[] = faces.filter((f) => !taken.has(f.id));
  const plan = planReslot(
    {
      faces,
      skus: velocity.map((v) => slotSku(skuOf.get(v.skuId)!, v.picksPerWeek, v.cubePerOrderIndex, before.get(v.skuId)!)),
      buffers,
      demoteTo: new Map(),
    },
    { minSavingMmPerWeek: o.minSavingMmPerWeek },
  );
  const planMs = performance.now() - t1;
  const after = new Map(before);
  for (const [faceId, skuId] of plan.assignment) after.set(skuId, faceId);
  const t2 = performance.now();
  const travel = (where: Map<string, string>) =>
    test.reduce(
      (sum, ord) =>
        sum +
        sequencePicks(
          graph.layout,
          ord.skus.map((s) => graph.locations.get(where.get(s)!)!),
          graph.depot,
        ).lengthMm,
      0,
    );
  const travelBeforeMm = travel(before);
  const travelAfterMm = travel(after);
  const travelMs = performance.now() - t2;
  return {
    source: data.source,
    faces: faces.length,
    skus: data.skus.length,
    trainWeeks: testFrom,
    testOrders: test.length,
    travelBeforeMm,
    travelAfterMm,
    proposals: plan.proposals.length,
    moves: plan.moves.length,
    bufferMoves: plan.moves.filter((m) => m.kind === 'to_buffer').length,
    skipped: plan.skipped.length,
    planMs,
    velocityMs,
    travelMs,
  };
}
