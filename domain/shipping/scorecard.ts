/**
 * Carrier scorecards from tracking history (pure). One row per labelled (or handed-over) parcel with its tracking
 * events; per carrier:
 * - on-time rate: delivered parcels whose first delivery day is on or before their target (the order's promise date,
 *   else the ETA the carrier was chosen with) / delivered parcels with a target;
 * - first-attempt rate: delivered parcels with no failed attempt before the delivery / delivered parcels;
 * - exception rate: parcels with a failure, exception or return to sender / parcels;
 * - damage rate: parcels whose exception or failure detail names damage / parcels;
 * - cost per parcel: the mean of the parcels' quoted cost (their share of the consignment's price).
 * Each rate is null when its denominator is 0.
 */
export interface ParcelHistory {
  carrier: string;
  /** Promise date, else the ETA at selection (YYYY-MM-DD), or null. */
  targetDay: string | null;
  /** First delivery day in the warehouse's time zone, or null. */
  deliveredDay: string | null;
  events: { status: string; detail: string; at: string }[];
  quotedCostMinor: number | null;
  currency: string | null;
}

export interface CarrierScorecard {
  carrierCode: string;
  parcels: number;
  delivered: number;
  deliveredWithTarget: number;
  onTime: number;
  onTimeRate: number | null;
  firstAttemptRate: number | null;
  exceptionRate: number | null;
  damageRate: number | null;
  costPerParcelMinor: number | null;
  currency: string | null;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const EXCEPTIONS = new Set(['failure', 'exception', 'return_to_sender']);

export function scoreCarriers(rows: readonly ParcelHistory[]): CarrierScorecard[] {
  const by = new Map<string, ParcelHistory[]>();
  for (const r of rows) (by.get(r.carrier) ?? by.set(r.carrier, []).get(r.carrier)!).push(r);
  const out: CarrierScorecard[] = [];
  for (const [carrier, list] of by) {
    let delivered = 0;
    let withTarget = 0;
    let onTime = 0;
    let first = 0;
    let exceptions = 0;
    let damaged = 0;
    let cost = 0;
    let costed = 0;
    const currencies = new Set<string>();
    for (const p of list) {
      const bad = p.events.filter((e) => EXCEPTIONS.has(e.status));
      if (bad.length) exceptions++;
      if (bad.some((e) => /damag/i.test(e.detail))) damaged++;
      if (p.quotedCostMinor != null) {
        cost += p.quotedCostMinor;
        costed++;
        if (p.currency) currencies.add(p.currency);
      }
      if (!p.deliveredDay) continue;
      delivered++;
      const deliveredAt = p.events.find((e) => e.status === 'delivered')?.at;
      if (!p.events.some((e) => e.status === 'failure' && (!deliveredAt || e.at < deliveredAt))) first++;
      if (p.targetDay) {
        withTarget++;
        if (p.deliveredDay <= p.targetDay) onTime++;
      }
    }
    out.push({
      carrierCode: carrier,
      parcels: list.length,
      delivered,
      deliveredWithTarget: withTarget,
      onTime,
      onTimeRate: ratio(onTime, withTarget),
      firstAttemptRate: ratio(first, delivered),
      exceptionRate: ratio(exceptions, list.length),
      damageRate: ratio(damaged, list.length),
      costPerParcelMinor: costed ? Math.round(cost / costed) : null,
      currency: currencies.size === 1 ? [...currencies][0]! : null,
    });
  }
  return out.sort((a, b) => b.parcels - a.parcels || a.carrierCode.localeCompare(b.carrierCode));
}

/**
 * Days a carrier is counted late when a promise date is weighed (pure): 1 when its on-time rate over at least
 * `minParcels` delivered parcels with a target is below `minOnTimeRate`, else 0.
 */
export function riskDaysOf(card: CarrierScorecard | undefined, minOnTimeRate: number, minParcels: number): number {
  if (!card || card.onTimeRate == null || card.deliveredWithTarget < minParcels) return 0;
  return card.onTimeRate < minOnTimeRate ? 1 : 0;
}
