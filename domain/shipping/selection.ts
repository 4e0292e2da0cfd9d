import { addDays } from './transit.js';

/**
 * Carrier choice (pure): the cheapest service that delivers by the promise date; when none does, the fastest
 * (earliest delivery, then cheapest) and the shipment is flagged late. Without a promise date, the cheapest.
 * Ties break on the earlier delivery, then carrier and service code, so the choice is deterministic.
 */
export interface Candidate {
  carrier: string;
  service: string;
  totalMinor: number;
  estimatedDelivery: string;
  /** Days added to the ETA when weighing the promise (a carrier below the warehouse's on-time bar); 0 when absent. */
  riskDays?: number;
}

/** The day a candidate is counted to deliver when weighed against a promise: its ETA plus its risk days. */
export const weighedDelivery = (c: Candidate) => (c.riskDays ? addDays(c.estimatedDelivery, c.riskDays) : c.estimatedDelivery);

export interface Choice<C extends Candidate> {
  chosen: C;
  late: boolean;
  reason: string;
}

const money = (minor: number) => (minor / 100).toFixed(2);

export function chooseService<C extends Candidate>(cands: readonly C[], promiseDate?: string | null): Choice<C> | undefined {
  if (cands.length === 0) return undefined;
  const byPrice = [...cands].sort(
    (a, b) =>
      a.totalMinor - b.totalMinor ||
      a.estimatedDelivery.localeCompare(b.estimatedDelivery) ||
      a.carrier.localeCompare(b.carrier) ||
      a.service.localeCompare(b.service),
  );
  if (!promiseDate) {
    const c = byPrice[0]!;
    return { chosen: c, late: false, reason: `cheapest of ${cands.length} (${money(c.totalMinor)}); no promise date` };
  }
  const onTime = byPrice.filter((c) => weighedDelivery(c) <= promiseDate);
  const risky = byPrice.filter((c) => c.riskDays && c.estimatedDelivery <= promiseDate && weighedDelivery(c) > promiseDate);
  if (onTime.length) {
    const c = onTime[0]!;
    const cheaperLate = byPrice.filter((x) => x.totalMinor < c.totalMinor).length;
    return {
      chosen: c,
      late: false,
      reason:
        `cheapest of ${onTime.length} service(s) delivering by ${promiseDate} (${money(c.totalMinor)}, ${c.estimatedDelivery})` +
        (cheaperLate ? `; ${cheaperLate} cheaper service(s) would arrive after the promise` : '') +
        (risky.length
          ? `; ${risky.map((r) => `${r.carrier}/${r.service}`).join(', ')} counted ${risky[0]!.riskDays} day(s) late for a scorecard below the on-time bar`
          : ''),
    };
  }
  const fastest = [...cands].sort(
    (a, b) =>
      weighedDelivery(a).localeCompare(weighedDelivery(b)) ||
      a.totalMinor - b.totalMinor ||
      a.carrier.localeCompare(b.carrier) ||
      a.service.localeCompare(b.service),
  )[0]!;
  return {
    chosen: fastest,
    late: true,
    reason: `no service delivers by ${promiseDate}: fastest chosen (${fastest.estimatedDelivery}, ${money(fastest.totalMinor)}); order flagged late`,
  };
}
