import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDayForSolve, type PlanRow } from '../../domain/dispatch/day-loader.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { selectCarrier } from '../../domain/shipping/carrier-selection.service.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { packedShipment } from './packed.js';

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
    const s = await sqlOne<{ day: string; selection: any }>(
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
    // Outside the area (Rotterdam): a parcel carrier, not in the day.
    const far = await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1));
    expect((await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, far.shipmentId, new Date('2026-12-03T10:00:00Z'))))!.deliveryMode).toBe(
      'parcel',
    );
  });
});
