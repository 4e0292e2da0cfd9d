/**
 * Demand forecasting and reorder rules for purchase suggestions. Pure: no I/O, no clock.
 *
 * Method: TSB (Teunter, Syntetos & Babai, "Intermittent demand: linking forecasting to inventory
 * obsolescence", EJOR 214(3), 2011). Why: e-commerce demand per SKU and week is intermittent — many
 * zero weeks and lumpy sizes — where exponential smoothing (even seasonal) chases the zeros and
 * Croston's method is biased and never decays for an item that stopped selling. TSB smooths the
 * probability of demand every period (so it decays) and the size only when demand occurs. A weekly
 * seasonal index is applied only when the history holds two full years (dense SKUs); otherwise the
 * season cannot be estimated from intermittent data and is left out.
 */

export interface TsbState {
  /** Smoothed probability that a period has demand. */
  p: number;
  /** Smoothed demand size when it occurs. */
  z: number;
}

/** One-step-ahead TSB forecasts: out[t] is the forecast for period t made after seeing periods < t (out[n] = next). */
export function tsbForecasts(history: number[], alpha = 0.1, beta = 0.05): number[] {
  const firstNz = history.findIndex((d) => d > 0);
  let s: TsbState = firstNz < 0 ? { p: 0, z: 0 } : { p: 1 / (firstNz + 1), z: history[firstNz]! };
  const out: number[] = [];
  for (const d of history) {
    out.push(s.p * s.z);
    s = d > 0 ? { p: s.p + beta * (1 - s.p), z: s.z + alpha * (d - s.z) } : { p: s.p + beta * (0 - s.p), z: s.z };
  }
  out.push(s.p * s.z);
  return out;
}

/** Seasonal-naive: the same week one season ago (the baseline every forecast must beat). */
export function seasonalNaive(history: number[], t: number, season = 52): number {
  return t - season >= 0 ? history[t - season]! : (history[t - 1] ?? 0);
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)');
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export interface ReorderInput {
  /** Weekly demand history, oldest first. */
  history: number[];
  leadTimeWeeks: number;
  /** Weeks between orders (periodic review). */
  reviewWeeks: number;
  /** Target cycle service level, e.g. 0.95. */
  serviceLevel: number;
  onHand: number;
  onOrder: number;
}

export interface ReorderAdvice {
  forecastPerWeek: number;
  /** Std. dev. of one-step forecast errors over the history (weekly). */
  sigmaPerWeek: number;
  safetyStock: number;
  reorderPoint: number;
  /** Order-up-to level: demand over lead time + review period, plus safety stock. */
  orderUpTo: number;
  suggestedQty: number;
}

/**
 * Periodic-review order-up-to policy: safety stock = z(service level) × σ × √(lead time + review),
 * reorder point = forecast × lead time + safety stock; when stock position (on hand + on order) is at
 * or below the reorder point, order up to forecast × (lead time + review) + safety stock.
 */
export function reorderAdvice(i: ReorderInput): ReorderAdvice {
  const f = tsbForecasts(i.history);
  const forecast = f[f.length - 1]!;
  const errs = i.history.map((d, t) => d - f[t]!).slice(Math.min(8, Math.floor(i.history.length / 4)));
  const sigma = errs.length > 1 ? Math.sqrt(errs.reduce((s, e) => s + e * e, 0) / (errs.length - 1)) : forecast;
  const z = normalQuantile(i.serviceLevel);
  const cover = i.leadTimeWeeks + i.reviewWeeks;
  const safetyStock = Math.ceil(z * sigma * Math.sqrt(cover));
  const reorderPoint = Math.ceil(forecast * i.leadTimeWeeks + safetyStock);
  const orderUpTo = Math.ceil(forecast * cover + safetyStock);
  const position = i.onHand + i.onOrder;
  return {
    forecastPerWeek: forecast,
    sigmaPerWeek: sigma,
    safetyStock,
    reorderPoint,
    orderUpTo,
    suggestedQty: position <= reorderPoint ? Math.max(0, orderUpTo - position) : 0,
  };
}

/** Weighted absolute percentage error: Σ|a − f| / Σa. */
export function wape(actual: number[], forecast: number[]): number {
  const den = actual.reduce((s, a) => s + a, 0);
  return den === 0 ? 0 : actual.reduce((s, a, k) => s + Math.abs(a - forecast[k]!), 0) / den;
}
