import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDayForSolve, type PlanRow } from '../../domain/dispatch/day-loader.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { selectCarrier } from '../../domain/shipping/carrier-selection.service.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';
import { packedShipment } from './packed.js';

import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';
import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { StockMovementRow } from '../../domain/inventory/entities/stock-movement.entity.js';

/** A shipment geocoded inside the delivery area (the entity's lat/lng are nullable). */
type GeocodedRow = { lat: number; lng: number };

type DeliveryDayRow = { day: string; selection: any };
type ShippedRow = Pick<ShipmentRow, 'status'> & { shipped: boolean };
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
  await seedShipping(sys.rt.orm.em.fork(), sys.wh1);
});
afterAll(() => sys?.close());

describe('own fleet', () => {
  it('a packed carton inside the delivery area goes to the own fleet and joins its delivery day with no hand step', async () => {
    const { shipmentId } = await withTx(sys.rt.orm.em, (tx) =>
      packedShipment(tx, sys.wh1, {
        shipTo: {
          name: 'A',
          address1: 'Keizersgracht 1',
          city: 'Amsterdam',
          postcode: '1015 CJ',
          countryCode: 'NL',
          lat: 52.375,
          lng: 4.885,
        },
      }),
    );
    const r = await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, shipmentId, new Date('2026-12-03T10:00:00Z')));
    expect([r!.carrier, r!.deliveryMode]).toEqual(['own-fleet', 'own_fleet']);
    const s = await sqlOne<DeliveryDayRow>(
      sys.rt.orm.em.fork(),
      `select to_char(delivery_date, 'YYYY-MM-DD') as day, selection from shipment where id = ?`,
      [shipmentId],
    );
    expect(s!.day).toBe('2026-12-04');
    expect(s!.selection.alternatives.length).toBeGreaterThan(1);
    const plan = {
      id: '00000000-0000-4000-8000-000000000000',
      warehouse_id: sys.wh1,
      delivery_date: '2026-12-04',
      broken_vehicle_ids: [],
      vehicle_ids: [],
    } as unknown as PlanRow;
    const day = await loadDayForSolve(sys.rt.orm.em.fork(), plan);
    expect(day.shipments.map((x) => x.id)).toContain(shipmentId);
    // No coordinates from the storefront: the Dutch PC4 centroid (GeoNames table) still places it in the area.
    const bare = await withTx(sys.rt.orm.em, (tx) =>
      packedShipment(tx, sys.wh1, {
        shipTo: { name: 'C', address1: 'Prinsengracht 263', city: 'Amsterdam', postcode: '1016 GV', countryCode: 'NL' },
      }),
    );
    const viaCentroid = await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, bare.shipmentId, new Date('2026-12-03T10:00:00Z')));
    expect(viaCentroid!.deliveryMode).toBe('own_fleet');
    const pt = await sqlOne<GeocodedRow>(sys.rt.orm.em.fork(), 'select lat, lng from shipment where id = ?', [bare.shipmentId]);
    expect(Math.abs(pt!.lat - 52.37)).toBeLessThan(0.02);
    // Outside the area (Rotterdam): a parcel carrier, not in the day.
    const far = await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1));
    expect((await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, far.shipmentId, new Date('2026-12-03T10:00:00Z'))))!.deliveryMode).toBe(
      'parcel',
    );
  });

  it('dispatching the route ships its cartons: one ship movement per carton stock line, once, even when dispatched many times at once', async () => {
    const em = sys.rt.orm.em.fork();
    const dispatcher = await sys.user('fleet-dispatcher', ['dispatcher'], [sys.wh1]);
    const cartons = await Promise.all(
      [0, 1].map(() =>
        withTx(sys.rt.orm.em, (tx) =>
          packedShipment(tx, sys.wh1, {
            qty: 4,
            shipTo: { name: 'B', address1: 'Damrak 1', city: 'Amsterdam', postcode: '1012 LG', countryCode: 'NL', lat: 52.376, lng: 4.897 },
          }),
        ),
      ),
    );
    for (const c of cartons) await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, c.shipmentId, new Date('2026-12-03T10:00:00Z')));
    const v = (await sqlOne<IdRow>(
      em,
      `insert into vehicle (warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, shift_start_s, shift_end_s, depot_lat, depot_lng)
      values (?, 'VAN-SHIP', 'Van', 500000, 5000000000, 28800, 64800, 52.39, 4.91) returning id`,
      [sys.wh1],
    ))!;
    const plan = (await sqlOne<IdRow>(
      em,
      `insert into route_plan (warehouse_id, delivery_date, status, time_limit_s, solved_version) values (?, '2026-12-04', 'solved', 5, 1) returning id`,
      [sys.wh1],
    ))!;
    const route = (await sqlOne<IdRow>(
      em,
      `insert into route (plan_id, warehouse_id, vehicle_id, start_s, end_s) values (?, ?, ?, 28800, 36000) returning id`,
      [plan.id, sys.wh1, v.id],
    ))!;
    for (const [i, c] of cartons.entries())
      await sql(
        em,
        `insert into route_stop (plan_id, route_id, warehouse_id, shipment_id, seq, arrival_s, eta_s, departure_s) values (?, ?, ?, ?, ?, 30000, 30000, 30300)`,
        [plan.id, route.id, sys.wh1, c.shipmentId, i + 1],
      );
    const res = await Promise.all(
      Array.from({ length: 8 }, () => http('POST', `${sys.url}/v1/routes/${route.id}/dispatch`, { token: dispatcher.token })),
    );
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(res.reduce((n, r) => n + r.body.stopsDispatched, 0)).toBe(2);
    for (const c of cartons) {
      const moves = await sql<Pick<StockMovementRow, 'qty' | 'to_virtual'>>(
        em,
        `select qty, to_virtual from stock_movement where type = 'ship' and ref_type = 'shipment' and ref_id = ?`,
        [c.shipmentId],
      );
      expect(moves).toEqual([{ qty: 4, to_virtual: expect.any(String) }]);
      const left = await sqlOne<CountRow>(em, 'select coalesce(sum(on_hand), 0)::int as n from stock_balance where lpn_id = ?', [c.lpnId]);
      expect(left!.n).toBe(0);
      const s = await sqlOne<ShippedRow>(em, 'select status, shipped_at is not null as shipped from shipment where id = ?', [c.shipmentId]);
      expect(s).toEqual({ status: 'dispatched', shipped: true });
      const ev = await sqlOne<CountRow>(
        em,
        `select count(*)::int as n from outbox where type = 'shipment.shipped' and payload->>'shipmentId' = ?`,
        [c.shipmentId],
      );
      expect(ev!.n).toBe(1);
    }
    // The drivers' outcomes are the own fleet's tracking history: one delivered, one failed as damaged.
    const stops = await sql<IdRow>(em, 'select id from route_stop where route_id = ? order by seq', [route.id]);
    expect((await http('POST', `${sys.url}/v1/stops/${stops[0]!.id}/delivered`, { token: dispatcher.token })).status).toBe(200);
    expect(
      (
        await http('POST', `${sys.url}/v1/stops/${stops[1]!.id}/failed`, {
          token: dispatcher.token,
          body: { reason: 'damaged: box crushed' },
        })
      ).status,
    ).toBe(200);
    const cards = await http('GET', `${sys.url}/v1/carrier-scorecards?warehouseId=${sys.wh1}`, { token: dispatcher.token });
    expect(cards.body.carriers).toContainEqual(
      expect.objectContaining({
        carrierCode: 'own-fleet',
        parcels: 2,
        delivered: 1,
        firstAttemptRate: 1,
        exceptionRate: 0.5,
        damageRate: 0.5,
      }),
    );
  });
});
