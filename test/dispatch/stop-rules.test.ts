import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';
const DAY = '2026-12-03';
let sys: TestSystem;
let dispatcher: TestUser;
let vehicleId: string;
let ids: string[];
let foreign: string;

async function shipment(warehouseId: string, k: number): Promise<string> {
  const [row] = await sql<IdRow>(
    sys.rt.orm.em.fork(),
    `insert into shipment (warehouse_id, status, carrier_code, tracking_number, weight_g, volume_mm3, lat, lng, delivery_date, service_time_s)
    values (?, 'labelled', 'own-fleet', ?, 1000, 1000000, ?, ?, ?::date, 300) returning id`,
    [warehouseId, `SR-${warehouseId.slice(0, 4)}-${k}`, 52.37 + 0.01 * k, 4.9 + 0.004 * k, DAY],
  );
  return row!.id;
}

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  dispatcher = await sys.user('disp', ['dispatcher'], [sys.wh1]);
  const v = await http('POST', `${sys.url}/v1/vehicles`, {
    token: dispatcher.token,
    body: {
      warehouseId: sys.wh1,
      code: 'TAIL-1',
      name: 'Tail-lift van',
      capacityWeightG: 500_000,
      capacityVolumeMm3: 9_000_000_000,
      costPerKmMinor: 40,
      costPerHourMinor: 2500,
      fixedCostMinor: 0,
      shiftStartS: 8 * 3600,
      shiftEndS: 18 * 3600,
      depotLat: 52.36,
      depotLng: 4.89,
      skills: ['tail_lift'],
      breaks: [{ id: 'lunch', startS: 8 * 3600 + 1200, endS: 8 * 3600 + 2400, durationS: 1800 }],
    },
  });
  expect(v.status).toBe(201);
  vehicleId = v.body.id;
  ids = [];
  for (let k = 0; k < 6; k++) ids.push(await shipment(sys.wh1, k));
  foreign = await shipment(sys.wh2, 9);
});
afterAll(async () => {
  await sys?.close();
});

async function solved(id: string) {
  const end = Date.now() + 60_000;
  for (;;) {
    const p = (await http('GET', `${sys.url}/v1/route-plans/${id}`, { token: dispatcher.token })).body;
    if (p.status === 'solved' || p.status === 'failed') return p;
    if (Date.now() > end) throw new Error(`plan still ${p.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('stop-side rules through the route planning API', () => {
  it('stores skills, window, service time, pallets, priority and optional per stop, and the solve honours them', async () => {
    const res = await http('POST', `${sys.url}/v1/route-plans`, {
      token: dispatcher.token,
      body: {
        warehouseId: sys.wh1,
        deliveryDate: DAY,
        vehicleIds: [vehicleId],
        timeLimitS: 1,
        stopRules: [
          { shipmentId: ids[0], skills: ['refrigerated'] },
          { shipmentId: ids[1], optional: true, dropPenaltyMinor: 0 },
          { shipmentId: ids[2], timeWindow: { startS: 12 * 3600, endS: 13 * 3600 }, serviceTimeS: 900, priority: 5, pallets: 2 },
          { shipmentId: ids[3], skills: ['tail_lift'] },
        ],
      },
    });
    expect(res.status).toBe(202);
    const plan = await solved(res.body.id);
    expect(plan.status).toBe('solved');
    // Left out, each with its reason: no vehicle has the skill; serving costs more than a zero penalty.
    expect(plan.unassigned).toEqual(
      expect.arrayContaining([
        { shipmentId: ids[0], reason: 'skills' },
        { shipmentId: ids[1], reason: 'penalty_cheaper' },
      ]),
    );
    expect(plan.unassigned).toHaveLength(2);
    const [route] = plan.routes;
    const stops = route.stops as { shipmentId: string; etaS: number; departureS: number; arrivalS: number; [k: string]: unknown }[];
    expect(stops.map((s) => s.shipmentId).sort()).toEqual([ids[2], ids[3], ids[4], ids[5]].sort());
    const s2 = stops.find((s) => s.shipmentId === ids[2])!;
    expect(s2).toMatchObject({ windowStartS: 43_200, windowEndS: 46_800, serviceTimeS: 900, priority: 5, pallets: 2, optional: false });
    expect(s2.etaS).toBeGreaterThanOrEqual(43_200);
    expect(s2.etaS).toBeLessThanOrEqual(46_800);
    expect(s2.departureS - s2.etaS).toBe(900);
    expect(stops.find((s) => s.shipmentId === ids[3])!.skills).toEqual(['tail_lift']);
    // The stored ETAs include the lunch break: it starts inside its window and delays what follows.
    expect(route.breaks).toHaveLength(1);
    const lunch = route.breaks[0];
    expect(lunch.startS).toBeGreaterThanOrEqual(8 * 3600 + 1200);
    expect(lunch.startS).toBeLessThanOrEqual(8 * 3600 + 2400);
    expect(lunch.endS - lunch.startS).toBe(1800);
    const next = stops[lunch.afterStop];
    if (next) expect(next.arrivalS).toBeGreaterThanOrEqual(lunch.endS);
  });

  it('rejects bad stop rules as problem+json naming the field', async () => {
    const post = (stopRules: unknown[]) =>
      http('POST', `${sys.url}/v1/route-plans`, {
        token: dispatcher.token,
        body: { warehouseId: sys.wh1, deliveryDate: DAY, vehicleIds: [vehicleId], timeLimitS: 1, stopRules },
      });
    const noPenalty = await post([{ shipmentId: ids[4], optional: true }]);
    expect(noPenalty.status).toBe(400);
    expect(JSON.stringify(noPenalty.body.errors)).toContain('dropPenaltyMinor');
    const badSkill = await post([{ shipmentId: ids[4], skills: ['teleport'] }]);
    expect(badSkill.status).toBe(400);
    expect(JSON.stringify(badSkill.body.errors)).toContain('skills');
    const badWindow = await post([{ shipmentId: ids[4], timeWindow: { startS: 50_000, endS: 40_000 } }]);
    expect(badWindow.status).toBe(400);
    expect(JSON.stringify(badWindow.body.errors)).toContain('timeWindow');
    const otherWarehouse = await post([{ shipmentId: ids[4] }, { shipmentId: foreign, priority: 1 }]);
    expect(otherWarehouse.status).toBe(422);
    expect(otherWarehouse.headers.get('content-type')).toContain('application/problem+json');
    expect(otherWarehouse.body.errors).toEqual([expect.objectContaining({ path: 'body.stopRules.1.shipmentId' })]);
    // Nothing was written by the rejected request.
    const [row] = await sql<Pick<ShipmentRow, 'delivery_priority'>>(
      sys.rt.orm.em.fork(),
      'select delivery_priority from shipment where id = ?',
      [foreign],
    );
    expect(row!.delivery_priority).toBe(0);
  });
});
