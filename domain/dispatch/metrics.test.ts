import { describe, expect, it } from 'vitest';
import { co2eG, co2eKgPerKm } from './co2.js';
import { computeMetrics, metricsCsv, type HistoryEvent } from './metrics.js';

// A fixed day of history, 2026-11-02 (UTC), with every number below worked out by hand.
const ev = (type: string, occurredAt: string, payload: Record<string, unknown>): HistoryEvent => ({ type, occurredAt, payload });
const stop = (ok: boolean, at: string, f: Record<string, unknown>) =>
  ev(ok ? 'stop.delivered' : 'stop.failed', `2026-11-02T${at}:00.000Z`, { planId: 'p', stopId: `s-${at}`, shipmentId: `sh-${at}`, ...f });

const HISTORY: HistoryEvent[] = [
  // Own fleet, route r1 (VAN1): 4 attempts.
  stop(true, '09:00', { routeId: 'r1', vehicleCode: 'VAN1', attempt: 1, onTime: true, costMinor: 500, distanceM: 4000, co2eG: 1004 }),
  stop(true, '09:30', { routeId: 'r1', vehicleCode: 'VAN1', attempt: 1, onTime: false, costMinor: 700, distanceM: 6000, co2eG: 1506 }),
  stop(false, '10:10', {
    routeId: 'r1',
    vehicleCode: 'VAN1',
    attempt: 1,
    onTime: true,
    costMinor: 600,
    distanceM: 5000,
    co2eG: 1255,
    reason: 'damaged: box crushed',
  }),
  stop(true, '10:40', { routeId: 'r1', vehicleCode: 'VAN1', attempt: 2, onTime: null, costMinor: 400, distanceM: 2000, co2eG: 502 }),
  // Route r2 (EV1): 2 attempts.
  stop(false, '11:05', {
    routeId: 'r2',
    vehicleCode: 'EV1',
    attempt: 1,
    onTime: false,
    costMinor: 300,
    distanceM: 3000,
    co2eG: 172,
    reason: 'not_home',
  }),
  stop(true, '11:20', { routeId: 'r2', vehicleCode: 'EV1', attempt: 1, onTime: true, costMinor: 300, distanceM: 3000, co2eG: 172 }),
  // A parcel carrier: 2 delivered, 1 failed; own-fleet shipment.* events are not double counted.
  ev('shipment.delivered', '2026-11-02T12:00:00.000Z', { shipmentId: 'x1', carrierCode: 'dhl' }),
  ev('shipment.delivered', '2026-11-02T12:30:00.000Z', { shipmentId: 'x2', carrierCode: 'dhl' }),
  ev('shipment.delivery_failed', '2026-11-02T13:00:00.000Z', { shipmentId: 'x3', carrierCode: 'dhl', reason: 'x' }),
  ev('shipment.delivered', '2026-11-02T09:00:01.000Z', { shipmentId: 'sh-09:00', carrierCode: 'own-fleet' }),
  // Picking: orders o1, o2 in hour 08, o2 and o3 in hour 10 → 3 orders over 2 active hours.
  ev('task.line_picked', '2026-11-02T08:05:00.000Z', { orderId: 'o1', qty: 1 }),
  ev('task.line_picked', '2026-11-02T08:15:00.000Z', { orderId: 'o2', qty: 2 }),
  ev('task.line_picked', '2026-11-02T10:05:00.000Z', { orderId: 'o2', qty: 1 }),
  ev('task.line_picked', '2026-11-02T10:06:00.000Z', { orderId: 'o3', qty: 1 }),
  ev('task.line_picked', '2026-11-02T10:07:00.000Z', { orderId: 'o3', qty: 1 }),
  ev('task.short_picked', '2026-11-02T10:08:00.000Z', { orderId: 'o3', qtyExpected: 2, qtyFound: 1 }),
  ev('pack.discrepancy_found', '2026-11-02T11:00:00.000Z', { orderId: 'o1', code: 'wrong-item' }),
  // Receiving: dock-to-stock 1200 s, 3000 s, 600 s → mean 1600, median 1200.
  ev('asn.stocked', '2026-11-02T08:00:00.000Z', { asnId: 'a1', dockToStockS: 1200 }),
  ev('asn.stocked', '2026-11-02T09:00:00.000Z', { asnId: 'a2', dockToStockS: 3000 }),
  ev('asn.stocked', '2026-11-02T10:00:00.000Z', { asnId: 'a3', dockToStockS: 600 }),
  // Counting: 4 counts, 3 without adjustment.
  ...[0, 0, 2, 0].map((adj, i) => ev('count.completed', `2026-11-02T14:0${i}:00.000Z`, { taskId: `c${i}`, adjustments: adj })),
  // Waves: w1 has 3 tasks, 1 done, 1 cancelled → 1 open; w2 has 2 tasks and completed → not listed; w3 has 4, none done.
  ev('wave.released', '2026-11-02T07:00:00.000Z', { waveId: 'w1', number: 1, taskIds: ['t1', 't2', 't3'] }),
  ev('wave.released', '2026-11-02T07:01:00.000Z', { waveId: 'w2', number: 2, taskIds: ['t4', 't5'] }),
  ev('wave.released', '2026-11-02T07:02:00.000Z', { waveId: 'w3', number: 3, taskIds: ['t6', 't7', 't8', 't9'] }),
  ev('task.completed', '2026-11-02T08:00:00.000Z', { taskId: 't1', waveId: 'w1' }),
  ev('task.cancelled', '2026-11-02T08:01:00.000Z', { taskId: 't2' }),
  ev('task.completed', '2026-11-02T08:02:00.000Z', { taskId: 't4', waveId: 'w2' }),
  ev('wave.completed', '2026-11-02T08:03:00.000Z', { waveId: 'w2' }),
  // Outside the range: ignored.
  stop(true, '23:59', { routeId: 'r1', attempt: 1, onTime: true, costMinor: 999, co2eG: 999 }),
];
const RANGE = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-02T23:59:00Z') };

describe('service metrics from the event history', () => {
  const m = computeMetrics(HISTORY, RANGE);

  it('match the hand-computed delivery figures', () => {
    // 6 own-fleet attempts: 4 delivered, 2 failed. With a window: 5, on time 3 → 0.6.
    // First attempts: 5, of which delivered 3 → 0.6. Damaged: 1 of 6. Cost: (500+700+400+300)/4 = 475.
    // CO₂e: 1004+1506+1255+502+172+172 = 4611 g.
    expect(m.deliveries).toEqual({
      attempts: 6,
      delivered: 4,
      failed: 2,
      onTimeRate: 0.6,
      firstAttemptRate: 0.6,
      damageRate: 1 / 6,
      costPerParcelMinor: 475,
      co2eKg: 4.611,
    });
  });

  it('scores each carrier on its own', () => {
    expect(m.carriers).toEqual([
      { carrierCode: 'own-fleet', attempts: 6, delivered: 4, failed: 2, onTimeRate: 0.6, firstAttemptRate: 0.6, costPerParcelMinor: 475 },
      { carrierCode: 'dhl', attempts: 3, delivered: 2, failed: 1, onTimeRate: null, firstAttemptRate: null, costPerParcelMinor: null },
    ]);
  });

  it('match the hand-computed warehouse figures', () => {
    // 5 lines, 1 short, 1 pack discrepancy → 5/7.
    expect(m.picking).toEqual({
      ordersPicked: 3,
      activeHours: 2,
      ordersPerHour: 1.5,
      linesPicked: 5,
      shortPicks: 1,
      packDiscrepancies: 1,
      pickAccuracy: 5 / 7,
    });
    expect(m.receiving).toEqual({ asnsStocked: 3, dockToStockMeanS: 1600, dockToStockMedianS: 1200 });
    expect(m.inventory).toEqual({ countsCompleted: 4, countsAccurate: 3, accuracy: 0.75 });
    expect(m.backlogByWave).toEqual([
      { waveId: 'w3', number: 3, released: 4, open: 4 },
      { waveId: 'w1', number: 1, released: 3, open: 1 },
    ]);
  });

  it('splits CO₂e per route and day, and buckets a one-day range by hour', () => {
    expect(m.co2ByRoute).toEqual([
      { routeId: 'r1', vehicleCode: 'VAN1', distanceM: 17_000, co2eKg: 4.267 },
      { routeId: 'r2', vehicleCode: 'EV1', distanceM: 6000, co2eKg: 0.344 },
    ]);
    expect(m.co2ByDay).toEqual([{ day: '2026-11-02', co2eKg: 4.611 }]);
    expect(m.bucket).toBe('hour');
    expect(m.series.map((p) => [p.t.slice(11, 13), p.delivered, p.failed, p.onTimeRate, p.ordersPicked])).toEqual([
      ['08', 0, 0, null, 2],
      ['09', 2, 0, 0.5, 0],
      ['10', 1, 1, 1, 2],
      ['11', 1, 1, 0.5, 0],
    ]);
  });

  it('exports the same figures as CSV', () => {
    const csv = metricsCsv(m);
    expect(csv).toContain('deliveries.onTimeRate,0.6\r\n');
    expect(csv).toContain('own-fleet,6,4,2,0.6,0.6,475\r\n');
    expect(csv.split('\r\n')).toContain('2026-11-02T10:00:00.000Z,1,1,1,2,1.757');
  });

  it('derives the per-km CO₂e from the published fuel factors and the stated consumption', () => {
    expect(co2eKgPerKm('diesel')).toBeCloseTo(0.251, 6); // 0.10 L/km × 2.51 kg/L
    expect(co2eKgPerKm('electric')).toBeCloseTo(0.05725, 6); // 0.25 kWh/km × (0.212 + 0.017) kg/kWh
    expect(co2eG(4000, 'diesel')).toBeCloseTo(1004, 6);
  });
});
