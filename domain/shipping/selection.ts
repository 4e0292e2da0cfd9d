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
}

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
  const onTime = byPrice.filter((c) => c.estimatedDelivery <= promiseDate);
  if (onTime.length) {
    const c = onTime[0]!;
    const cheaperLate = byPrice.filter((x) => x.totalMinor < c.totalMinor).length;
    return {
      chosen: c,
      late: false,
      reason:
        `cheapest of ${onTime.length} service(s) delivering by ${promiseDate} (${money(c.totalMinor)}, ${c.estimatedDelivery})` +
        (cheaperLate ? `; ${cheaperLate} cheaper service(s) would arrive after the promise` : ''),
    };
  }
  const fastest = [...cands].sort(
    (a, b) =>
      a.estimatedDelivery.localeCompare(b.estimatedDelivery) ||
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
