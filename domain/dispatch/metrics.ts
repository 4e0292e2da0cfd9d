/**
 * Service metrics computed from the event history alone (pure): the outbox rows of a warehouse in
 * a time range. Definitions (each a ratio of event counts, null when its denominator is 0):
 * - on-time: attempts served by their window end / attempts that had a window (stop.delivered|failed.onTime);
 * - first-attempt success: deliveries on attempt 1 / first attempts;
 * - damage rate: failed attempts whose reason code is `damaged` / attempts;
 * - cost per parcel: sum of the parcels' route-cost shares / parcels delivered;
 * - orders picked per hour: distinct orders with a picked line / clock hours with at least one pick;
 * - pick accuracy: lines picked / (lines picked + short picks + pack discrepancies);
 * - dock-to-stock: mean and median of asn.stocked.dockToStockS;
 * - inventory accuracy: completed counts with no adjustment / completed counts;
 * - backlog by wave: tasks released with the wave minus its tasks completed or cancelled;
 * - CO₂e: sum of the attempts' co2eG (their share of the route distance, domain/dispatch/co2.ts).
 */

export interface HistoryEvent {
  type: string;
  occurredAt: string;
  payload: any;
}

export interface CarrierScore {
  carrierCode: string;
  attempts: number;
  delivered: number;
  failed: number;
  onTimeRate: number | null;
  firstAttemptRate: number | null;
  costPerParcelMinor: number | null;
}

export interface MetricsPoint {
  t: string;
  delivered: number;
  failed: number;
  onTimeRate: number | null;
  ordersPicked: number;
  co2eKg: number;
}

export interface Metrics {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  deliveries: {
    attempts: number;
    delivered: number;
    failed: number;
    onTimeRate: number | null;
    firstAttemptRate: number | null;
    damageRate: number | null;
    costPerParcelMinor: number | null;
    co2eKg: number;
  };
  carriers: CarrierScore[];
  picking: {
    ordersPicked: number;
    activeHours: number;
    ordersPerHour: number | null;
    linesPicked: number;
    shortPicks: number;
    packDiscrepancies: number;
    pickAccuracy: number | null;
  };
  receiving: { asnsStocked: number; dockToStockMeanS: number | null; dockToStockMedianS: number | null };
  inventory: { countsCompleted: number; countsAccurate: number; accuracy: number | null };
  backlogByWave: { waveId: string; number: number | null; released: number; open: number }[];
  co2ByRoute: { routeId: string; vehicleCode: string | null; distanceM: number; co2eKg: number }[];
  co2ByDay: { day: string; co2eKg: number }[];
  series: MetricsPoint[];
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Start of the UTC hour or day containing `iso`. */
export function bucketOf(iso: string, bucket: 'hour' | 'day'): string {
  return bucket === 'hour' ? `${iso.slice(0, 13)}:00:00.000Z` : `${iso.slice(0, 10)}T00:00:00.000Z`;
}

interface Tally {
  attempts: number;
  delivered: number;
  failed: number;
  withWindow: number;
  onTime: number;
  first: number;
  firstOk: number;
  cost: number;
}
const tally = (): Tally => ({ attempts: 0, delivered: 0, failed: 0, withWindow: 0, onTime: 0, first: 0, firstOk: 0, cost: 0 });

export function computeMetrics(events: readonly HistoryEvent[], range: { from: Date; to: Date }): Metrics {
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const bucket: 'hour' | 'day' = range.to.getTime() - range.from.getTime() <= 2 * 86_400_000 ? 'hour' : 'day';
  const inRange = events.filter((e) => e.occurredAt >= from && e.occurredAt < to);
  const all = tally();
  let damaged = 0;
  let co2G = 0;
  const carriers = new Map<string, Tally>();
  const series = new Map<
    string,
    { delivered: number; failed: number; withWindow: number; onTime: number; orders: Set<string>; co2G: number }
  >();
  const point = (iso: string) => {
    const k = bucketOf(iso, bucket);
    let p = series.get(k);
    if (!p) series.set(k, (p = { delivered: 0, failed: 0, withWindow: 0, onTime: 0, orders: new Set(), co2G: 0 }));
    return p;
  };
  const routes = new Map<string, { vehicleCode: string | null; distanceM: number; co2G: number }>();
  const days = new Map<string, number>();
  const pickedOrders = new Set<string>();
  const pickHours = new Set<string>();
  let lines = 0;
  let shorts = 0;
  let packIssues = 0;
  const dockToStock: number[] = [];
  let counts = 0;
  let countsOk = 0;
  const waves = new Map<string, { number: number | null; tasks: Set<string>; done: Set<string>; closed: boolean }>();
  const waveOfTask = new Map<string, string>();

  for (const e of inRange) {
    const p = e.payload ?? {};
    switch (e.type) {
      case 'stop.delivered':
      case 'stop.failed': {
        const ok = e.type === 'stop.delivered';
        const c = p.carrierCode ?? 'own-fleet';
        const ct = carriers.get(c) ?? tally();
        carriers.set(c, ct);
        for (const t of [all, ct]) {
          t.attempts++;
          if (ok) t.delivered++;
          else t.failed++;
          if (p.onTime != null) {
            t.withWindow++;
            if (p.onTime) t.onTime++;
          }
          if (p.attempt === 1) {
            t.first++;
            if (ok) t.firstOk++;
          }
          if (ok && typeof p.costMinor === 'number') t.cost += p.costMinor;
        }
        if (!ok && typeof p.reason === 'string' && /^damaged\b/.test(p.reason)) damaged++;
        const pt = point(e.occurredAt);
        if (ok) pt.delivered++;
        else pt.failed++;
        if (p.onTime != null) {
          pt.withWindow++;
          if (p.onTime) pt.onTime++;
        }
        const g = typeof p.co2eG === 'number' ? p.co2eG : 0;
        co2G += g;
        pt.co2G += g;
        const day = e.occurredAt.slice(0, 10);
        days.set(day, (days.get(day) ?? 0) + g);
        if (p.routeId) {
          const r = routes.get(p.routeId) ?? { vehicleCode: p.vehicleCode ?? null, distanceM: 0, co2G: 0 };
          r.distanceM += typeof p.distanceM === 'number' ? p.distanceM : 0;
          r.co2G += g;
          routes.set(p.routeId, r);
        }
        break;
      }
      case 'shipment.delivered':
      case 'shipment.delivery_failed': {
        // Carrier (parcel / 3PL) outcomes; own-fleet ones are counted from stop.* above.
        const c = p.carrierCode;
        if (!c || c === 'own-fleet') break;
        const ct = carriers.get(c) ?? tally();
        carriers.set(c, ct);
        ct.attempts++;
        if (e.type === 'shipment.delivered') ct.delivered++;
        else ct.failed++;
        break;
      }
      case 'task.line_picked':
        lines++;
        if (p.orderId) {
          pickedOrders.add(p.orderId);
          point(e.occurredAt).orders.add(p.orderId);
        }
        pickHours.add(e.occurredAt.slice(0, 13));
        break;
      case 'task.short_picked':
        shorts++;
        break;
      case 'pack.discrepancy_found':
        packIssues++;
        break;
      case 'asn.stocked':
        dockToStock.push(p.dockToStockS);
        break;
      case 'count.completed':
        counts++;
        if (p.adjustments === 0) countsOk++;
        break;
      case 'wave.released': {
        waves.set(p.waveId, { number: p.number ?? null, tasks: new Set(p.taskIds ?? []), done: new Set(), closed: false });
        for (const t of p.taskIds ?? []) waveOfTask.set(t, p.waveId);
        break;
      }
      case 'task.completed':
      case 'task.cancelled': {
        const w = waves.get(p.waveId ?? waveOfTask.get(p.taskId) ?? '');
        if (w && w.tasks.has(p.taskId)) w.done.add(p.taskId);
        break;
      }
      case 'wave.completed':
      case 'wave.cancelled': {
        const w = waves.get(p.waveId);
        if (w) w.closed = true;
        break;
      }
    }
  }
  const score = (code: string, t: Tally): CarrierScore => ({
    carrierCode: code,
    attempts: t.attempts,
    delivered: t.delivered,
    failed: t.failed,
    onTimeRate: ratio(t.onTime, t.withWindow),
    firstAttemptRate: ratio(t.firstOk, t.first),
    costPerParcelMinor: t.cost ? ratio(t.cost, t.delivered) : null,
  });
  return {
    from,
    to,
    bucket,
    deliveries: {
      attempts: all.attempts,
      delivered: all.delivered,
      failed: all.failed,
      onTimeRate: ratio(all.onTime, all.withWindow),
      firstAttemptRate: ratio(all.firstOk, all.first),
      damageRate: ratio(damaged, all.attempts),
      costPerParcelMinor: ratio(all.cost, all.delivered),
      co2eKg: co2G / 1000,
    },
    carriers: [...carriers].map(([c, t]) => score(c, t)).sort((a, b) => b.attempts - a.attempts),
    picking: {
      ordersPicked: pickedOrders.size,
      activeHours: pickHours.size,
      ordersPerHour: ratio(pickedOrders.size, pickHours.size),
      linesPicked: lines,
      shortPicks: shorts,
      packDiscrepancies: packIssues,
      pickAccuracy: ratio(lines, lines + shorts + packIssues),
    },
    receiving: {
      asnsStocked: dockToStock.length,
      dockToStockMeanS: dockToStock.length ? dockToStock.reduce((a, b) => a + b, 0) / dockToStock.length : null,
      dockToStockMedianS: median(dockToStock),
    },
    inventory: { countsCompleted: counts, countsAccurate: countsOk, accuracy: ratio(countsOk, counts) },
    backlogByWave: [...waves]
      .filter(([, w]) => !w.closed)
      .map(([waveId, w]) => ({ waveId, number: w.number, released: w.tasks.size, open: w.tasks.size - w.done.size }))
      .sort((a, b) => b.open - a.open),
    co2ByRoute: [...routes].map(([routeId, r]) => ({ routeId, vehicleCode: r.vehicleCode, distanceM: r.distanceM, co2eKg: r.co2G / 1000 })),
    co2ByDay: [...days].sort().map(([day, g]) => ({ day, co2eKg: g / 1000 })),
    series: [...series]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, p]) => ({
        t,
        delivered: p.delivered,
        failed: p.failed,
        onTimeRate: ratio(p.onTime, p.withWindow),
        ordersPicked: p.orders.size,
        co2eKg: p.co2G / 1000,
      })),
  };
}

/** The summary and the time series as CSV (RFC 4180; one section per table). */
export function metricsCsv(m: Metrics): string {
  const cell = (v: unknown) => {
    const s = v == null ? '' : typeof v === 'number' ? String(Math.round(v * 10_000) / 10_000) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows: unknown[][] = [
    ['metric', 'value'],
    ['from', m.from],
    ['to', m.to],
    ...Object.entries(m.deliveries).map(([k, v]) => [`deliveries.${k}`, v]),
    ...Object.entries(m.picking).map(([k, v]) => [`picking.${k}`, v]),
    ...Object.entries(m.receiving).map(([k, v]) => [`receiving.${k}`, v]),
    ...Object.entries(m.inventory).map(([k, v]) => [`inventory.${k}`, v]),
    [],
    ['carrier', 'attempts', 'delivered', 'failed', 'onTimeRate', 'firstAttemptRate', 'costPerParcelMinor'],
    ...m.carriers.map((c) => [c.carrierCode, c.attempts, c.delivered, c.failed, c.onTimeRate, c.firstAttemptRate, c.costPerParcelMinor]),
    [],
    ['bucket', 'delivered', 'failed', 'onTimeRate', 'ordersPicked', 'co2eKg'],
    ...m.series.map((p) => [p.t, p.delivered, p.failed, p.onTimeRate, p.ordersPicked, p.co2eKg]),
  ];
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
