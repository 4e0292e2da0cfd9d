/**
 * Velocity classes from pick history: pure, no I/O.
 *
 * - **Picks** are order lines picked (one visit to a location), the measure of travel a SKU causes;
 *   units only tell how much is carried.
 * - **ABC by picks** (Pareto): SKUs sorted by picks, most first; those making up the first `aShare`
 *   of all picks are A, up to `bShare` B, the rest (and SKUs never picked) C.
 * - **Cube-per-order index** (Heskett 1963, "Cube-per-order index — a key to warehouse stock
 *   location", Transportation and Distribution Management 3): the space a SKU occupies divided by
 *   how often it is ordered; storing the lowest index nearest the dock minimises travel when
 *   slots differ in size. Here: litres on hand per order per week.
 */

export interface PickRecord {
  skuId: string;
  /** The order (or, without one, the movement) the pick served: distinct keys count orders. */
  orderKey: string;
  qty: number;
}

export interface SkuFacts {
  skuId: string;
  unitVolumeMm3: number;
  onHand: number;
}

export type VelocityClass = 'A' | 'B' | 'C';

export interface SkuVelocity {
  skuId: string;
  picks: number;
  units: number;
  orders: number;
  picksPerWeek: number;
  /** Litres on hand per order per week; null when the SKU was never ordered in the window. */
  cubePerOrderIndex: number | null;
  velocityClass: VelocityClass;
  /** 1 = most picked. */
  rank: number;
}

export interface VelocityOptions {
  weeks: number;
  aShare?: number;
  bShare?: number;
}

/** Velocity of every SKU that was picked or is in `facts`, ranked by picks (ties: units, then id). */
export function computeVelocity(picks: readonly PickRecord[], facts: readonly SkuFacts[], o: VelocityOptions): SkuVelocity[] {
  if (!(o.weeks > 0)) throw new RangeError('weeks must be positive');
  const aShare = o.aShare ?? 0.8;
  const bShare = o.bShare ?? 0.95;
  if (!(aShare > 0 && aShare <= bShare && bShare <= 1)) throw new RangeError('need 0 < aShare <= bShare <= 1');
  const acc = new Map<string, { picks: number; units: number; orders: Set<string> }>();
  const get = (id: string) => {
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { picks: 0, units: 0, orders: new Set() }));
    return a;
  };
  for (const p of picks) {
    const a = get(p.skuId);
    a.picks++;
    a.units += p.qty;
    a.orders.add(p.orderKey);
  }
  const factOf = new Map(facts.map((f) => [f.skuId, f]));
  for (const f of facts) get(f.skuId);
  const rows = [...acc.entries()].map(([skuId, a]) => ({ skuId, picks: a.picks, units: a.units, orders: a.orders.size }));
  rows.sort((x, y) => y.picks - x.picks || y.units - x.units || (x.skuId < y.skuId ? -1 : x.skuId > y.skuId ? 1 : 0));
  const total = rows.reduce((s, r) => s + r.picks, 0);
  let before = 0;
  return rows.map((r, i) => {
    // A SKU belongs to the class its first pick falls into (so the top SKU is A even if it alone exceeds aShare).
    const share = total > 0 ? before / total : 1;
    before += r.picks;
    const velocityClass: VelocityClass = r.picks === 0 ? 'C' : share < aShare ? 'A' : share < bShare ? 'B' : 'C';
    const f = factOf.get(r.skuId);
    const ordersPerWeek = r.orders / o.weeks;
    const litres = f ? (f.unitVolumeMm3 * Math.max(0, f.onHand)) / 1e6 : 0;
    return {
      ...r,
      picksPerWeek: r.picks / o.weeks,
      cubePerOrderIndex: ordersPerWeek > 0 ? litres / ordersPerWeek : null,
      velocityClass,
      rank: i + 1,
    };
  });
}

/** Counts per class. */
export function classCounts(v: readonly SkuVelocity[]): { A: number; B: number; C: number } {
  const c = { A: 0, B: 0, C: 0 };
  for (const x of v) c[x.velocityClass]++;
  return c;
}
