/**
 * Pure wave rules: which released-ready orders a wave template takes (with the reason for every
 * order left out: the explainable allocation log) and how a wave's orders are split into pick lists.
 * No I/O, no clock: `nowMs` is passed in.
 */

export interface WaveCandidate {
  orderId: string;
  lineCount: number;
  unitCount: number;
  shippingMethod: string | null;
  promiseMs: number | null;
  priorityRank: number;
  createdMs: number;
  /** Zones the order's reserved stock sits in. */
  zoneIds: string[];
  /** Every unit reserved (allocated) and nothing held. */
  allocated: boolean;
}

export interface WaveFilter {
  carrierCodes: string[];
  serviceCodes: string[];
  zoneIds: string[];
  orderProfile: 'any' | 'single_line' | 'multi_line';
  cutoffWithinS: number | null;
  maxOrders: number;
}

export interface WaveLogEntry {
  orderId: string;
  included: boolean;
  reason: string;
}

/** The carrier part of a shipping method code such as `dhl:express` or `ups-ground` (lower-cased). */
export function carrierOf(shippingMethod: string | null): string | null {
  if (!shippingMethod) return null;
  return shippingMethod.toLowerCase().split(/[:\-_ ]/)[0] ?? null;
}

/** Urgency order: express before standard, earliest promise (carrier cut-off) first, then oldest. */
export function byUrgency(a: WaveCandidate, b: WaveCandidate): number {
  return (
    a.priorityRank - b.priorityRank ||
    (a.promiseMs ?? Infinity) - (b.promiseMs ?? Infinity) ||
    a.createdMs - b.createdMs ||
    (a.orderId < b.orderId ? -1 : 1)
  );
}

/**
 * Selects the orders of a wave: candidates that pass every filter, most urgent first, up to maxOrders.
 * Returns the chosen ids and one log entry per candidate saying why it is in or out.
 */
export function selectWaveOrders(
  candidates: readonly WaveCandidate[],
  f: WaveFilter,
  nowMs: number,
): { orderIds: string[]; log: WaveLogEntry[] } {
  const log: WaveLogEntry[] = [];
  const passing: WaveCandidate[] = [];
  const carriers = f.carrierCodes.map((c) => c.toLowerCase());
  const services = f.serviceCodes.map((c) => c.toLowerCase());
  for (const c of [...candidates].sort(byUrgency)) {
    const why = rejectReason(c, f, carriers, services, nowMs);
    if (why) log.push({ orderId: c.orderId, included: false, reason: why });
    else passing.push(c);
  }
  const chosen = passing.slice(0, f.maxOrders);
  for (const c of chosen)
    log.push({
      orderId: c.orderId,
      included: true,
      reason: `${c.lineCount} line(s), ${c.unitCount} unit(s)${c.promiseMs !== null ? `, promised ${new Date(c.promiseMs).toISOString()}` : ''}, priority rank ${c.priorityRank}`,
    });
  for (const c of passing.slice(f.maxOrders))
    log.push({ orderId: c.orderId, included: false, reason: `wave full (max ${f.maxOrders} orders); less urgent than the orders taken` });
  return { orderIds: chosen.map((c) => c.orderId), log };
}

function rejectReason(c: WaveCandidate, f: WaveFilter, carriers: string[], services: string[], nowMs: number): string | null {
  if (!c.allocated) return 'not fully allocated';
  if (f.orderProfile === 'single_line' && c.lineCount !== 1) return `order profile single-line, order has ${c.lineCount} lines`;
  if (f.orderProfile === 'multi_line' && c.lineCount < 2) return 'order profile multi-line, order has one line';
  if (carriers.length && !carriers.includes(carrierOf(c.shippingMethod) ?? ''))
    return `carrier of "${c.shippingMethod ?? 'none'}" not in ${carriers.join(', ')}`;
  if (services.length && !services.includes((c.shippingMethod ?? '').toLowerCase()))
    return `shipping method "${c.shippingMethod ?? 'none'}" not in ${services.join(', ')}`;
  if (f.zoneIds.length && !c.zoneIds.every((z) => f.zoneIds.includes(z))) return 'stock outside the template zones';
  if (f.cutoffWithinS !== null && (c.promiseMs === null || c.promiseMs - nowMs > f.cutoffWithinS * 1000))
    return `carrier cut-off not within ${f.cutoffWithinS} s`;
  return null;
}

export interface PickLineInput {
  key: string;
  orderId: string;
  zoneId: string | null;
}

export interface PickListPlan {
  /** Orders on this list, in cart-slot order (slot = index + 1). */
  orderIds: string[];
  zoneId: string | null;
  lineKeys: string[];
}

/**
 * Splits a wave into pick lists. discrete: one list per order. batch (cluster picking): up to
 * `cartSlots` orders per list, one tote per order in its cart slot. zone: each batch is split by zone,
 * so each list stays in one zone and the order's totes meet again at packing (consolidation).
 * Orders keep the given (urgency) order; lines keep theirs.
 */
export function planPickLists(
  orderIds: readonly string[],
  lines: readonly PickLineInput[],
  mode: 'discrete' | 'batch' | 'zone',
  cartSlots: number,
): PickListPlan[] {
  const size = mode === 'discrete' ? 1 : Math.max(1, cartSlots);
  const byOrder = new Map<string, PickLineInput[]>();
  for (const l of lines) byOrder.set(l.orderId, [...(byOrder.get(l.orderId) ?? []), l]);
  const withLines = orderIds.filter((o) => byOrder.has(o));
  const plans: PickListPlan[] = [];
  for (let i = 0; i < withLines.length; i += size) {
    const group = withLines.slice(i, i + size);
    const groupLines = group.flatMap((o) => byOrder.get(o)!);
    if (mode !== 'zone') {
      plans.push({ orderIds: group, zoneId: null, lineKeys: groupLines.map((l) => l.key) });
      continue;
    }
    const zones = [...new Set(groupLines.map((l) => l.zoneId))];
    for (const z of zones) {
      const zl = groupLines.filter((l) => l.zoneId === z);
      plans.push({ orderIds: group.filter((o) => zl.some((l) => l.orderId === o)), zoneId: z, lineKeys: zl.map((l) => l.key) });
    }
  }
  return plans;
}
