/**
 * Where received stock should go: pure, no I/O. A location is a candidate only if it breaks no hard
 * constraint (temperature class, hazmat segregation, volume, weight, SKUs per location, mixed lots,
 * a pick face's own SKU, the location type the stock status needs); candidates are then ranked by
 * soft preferences: consolidate with the same SKU and lot, fast movers to golden-zone pick faces and
 * slow movers to reserve, then a short walk from the dock and a snug fit.
 */

export type Temperature = 'ambient' | 'chilled' | 'frozen';

export interface PutawayItem {
  skuId: string;
  qty: number;
  unitVolumeMm3: number;
  unitWeightG: number;
  temperature: Temperature;
  hazmatClass: string | null;
  lot: string | null;
  velocity: 'A' | 'B' | 'C' | null;
  /** Stock status: quarantined or damaged stock goes to a quarantine location only. */
  status: 'available' | 'quarantine' | 'damaged';
  /** A whole LPN moves as one: it cannot be split over locations. */
  wholeLpn?: boolean;
}

export interface Content {
  skuId: string;
  lot: string | null;
  qty: number;
  unitVolumeMm3: number;
  unitWeightG: number;
  hazmatClass: string | null;
}

export interface PutawayLocation {
  id: string;
  code: string;
  type: string;
  temperature: Temperature;
  hazmatAllowed: boolean;
  golden: boolean;
  xMm: number;
  yMm: number;
  maxVolumeMm3: number | null;
  maxWeightG: number | null;
  maxSkus: number | null;
  mixedLots: boolean;
  /** The SKU a pick face is slotted for (others may not go there). */
  faceSkuId: string | null;
  contents: Content[];
}

export interface Proposal {
  locationId: string;
  code: string;
  qty: number;
  score: number;
  why: string[];
}

const STORABLE = new Set(['reserve', 'pick_face']);

/** Hard-constraint violations of putting `qty` of the item into the location (empty = allowed). */
export function violations(item: PutawayItem, loc: PutawayLocation, qty = item.qty): string[] {
  const v: string[] = [];
  if (item.status === 'available' ? !STORABLE.has(loc.type) : loc.type !== 'quarantine')
    v.push(`type ${loc.type} does not take ${item.status} stock`);
  if (loc.temperature !== item.temperature) v.push(`${item.temperature} SKU in a ${loc.temperature} location`);
  if (item.hazmatClass && !loc.hazmatAllowed) v.push(`hazmat class ${item.hazmatClass} outside a hazmat zone`);
  // Segregation: one hazmat class per location (also refuses a location that already mixes classes).
  const classes = new Set(loc.contents.filter((c) => c.qty > 0 && c.hazmatClass).map((c) => c.hazmatClass));
  if (item.hazmatClass) classes.add(item.hazmatClass);
  if (classes.size > 1) v.push(`hazmat classes ${[...classes].join(' and ')} in one location`);
  if (loc.faceSkuId && loc.faceSkuId !== item.skuId) v.push('pick face slotted for another SKU');
  const held = loc.contents.filter((c) => c.qty > 0);
  if (loc.maxVolumeMm3 !== null) {
    const used = held.reduce((s, c) => s + c.qty * c.unitVolumeMm3, 0);
    if (used + qty * item.unitVolumeMm3 > loc.maxVolumeMm3) v.push('volume');
  }
  if (loc.maxWeightG !== null) {
    const used = held.reduce((s, c) => s + c.qty * c.unitWeightG, 0);
    if (used + qty * item.unitWeightG > loc.maxWeightG) v.push('weight');
  }
  if (loc.maxSkus !== null) {
    const skus = new Set(held.map((c) => c.skuId)).add(item.skuId);
    if (skus.size > loc.maxSkus) v.push('SKUs per location');
  }
  if (!loc.mixedLots && held.some((c) => (c.lot ?? '') !== (item.lot ?? ''))) v.push('mixed lots');
  return v;
}

/** The most of the item the location can take without breaking a constraint (0..item.qty), by bisection on qty. */
export function fitQty(item: PutawayItem, loc: PutawayLocation): number {
  if (violations(item, loc, 0).length) return 0;
  if (!violations(item, loc, item.qty).length) return item.qty;
  if (item.wholeLpn) return 0;
  let lo = 0;
  let hi = item.qty;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (violations(item, loc, mid).length) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Soft preference (higher is better) with the reasons, for a location that fits. */
export function preference(item: PutawayItem, loc: PutawayLocation, from: { xMm: number; yMm: number }): { score: number; why: string[] } {
  const why: string[] = [];
  let score = 0;
  const same = loc.contents.some((c) => c.qty > 0 && c.skuId === item.skuId && (c.lot ?? '') === (item.lot ?? ''));
  if (same) {
    score += 1000;
    why.push('consolidates with the same SKU and lot');
  } else if (loc.contents.every((c) => c.qty === 0)) {
    score += 100;
    why.push('empty location');
  }
  if (loc.faceSkuId === item.skuId) {
    score += 800;
    why.push("the SKU's own pick face");
  }
  const add = (points: number, reason?: string) => {
    score += points;
    if (reason) why.push(reason);
  };
  if (item.velocity === 'A') {
    if (loc.type === 'pick_face' && loc.golden) add(500, 'fast mover to a golden-zone pick face');
    else if (loc.type === 'pick_face') add(250, 'fast mover to a pick face');
  } else if (item.velocity === 'C' || item.velocity === null) {
    if (loc.type === 'reserve') add(300, 'slow mover to reserve');
    if (loc.golden) add(-200);
  } else if (loc.type === 'pick_face' && !loc.golden) add(200, 'medium mover to a pick face outside the golden zone');
  // A short walk from where the goods stand: 1 point per 10 m, at most 200.
  score -= Math.min(200, (Math.abs(loc.xMm - from.xMm) + Math.abs(loc.yMm - from.yMm)) / 10_000);
  return { score, why };
}

/**
 * Proposes locations for the item: the best-ranked location that takes it all, else (loose items
 * only) a split over the best locations in turn. Every part respects every hard constraint.
 */
export function proposePutaway(
  item: PutawayItem,
  locations: PutawayLocation[],
  from: { xMm: number; yMm: number },
  maxParts = 5,
): Proposal[] {
  const ranked = locations
    .map((loc) => ({ loc, fit: fitQty(item, loc), ...preference(item, loc, from) }))
    .filter((r) => r.fit > 0)
    .sort((a, b) => b.score - a.score || a.loc.code.localeCompare(b.loc.code));
  const whole = ranked.find((r) => r.fit >= item.qty);
  if (whole) return [{ locationId: whole.loc.id, code: whole.loc.code, qty: item.qty, score: whole.score, why: whole.why }];
  if (item.wholeLpn) return [];
  const out: Proposal[] = [];
  let left = item.qty;
  for (const r of ranked) {
    if (left === 0 || out.length === maxParts) break;
    const q = Math.min(left, r.fit);
    out.push({ locationId: r.loc.id, code: r.loc.code, qty: q, score: r.score, why: [...r.why, 'split: no single location fits all'] });
    left -= q;
  }
  return left === 0 ? out : out.length ? out : [];
}
