import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit } from '../../domain/events/outbox.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { waitFor } from '../orders/helpers.js';
import { packedShipment } from './packed.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';
import type { ConsignmentRow } from '../../domain/shipping/entities/consignment.entity.js';
let sys: TestSystem;
const em = () => sys.rt.orm.em.fork();
const ADDR = { name: 'Fenna Visser', address1: 'Nieuwe Binnenweg 10', city: 'Rotterdam', postcode: '3015 BA', countryCode: 'NL' };

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  await seedShipping(em(), sys.wh1);
  await sql(em(), 'update shipping_settings set consolidation_window_s = 12 where warehouse_id = ?', [sys.wh1]);
}, 120_000);
afterAll(() => sys?.close());

/** An order packed as the pack station leaves it: a packed carton and its `shipment.packed` event (the worker reacts). */
async function packOrder(n: number): Promise<{ orderId: string; shipmentId: string; eventId: string }> {
  return withTx(sys.rt.orm.em, async (tx) => {
    const o = (await sqlOne<IdRow>(
      tx,
      `insert into sales_order (warehouse_id, external_id, source, status, ship_to, currency, total_minor) values (?, ?, 'api', 'packed', ?::jsonb, 'EUR', 3000) returning id`,
      [sys.wh1, `WIN-${n}`, JSON.stringify(ADDR)],
    ))!;
    const c = await packedShipment(tx, sys.wh1, { orderId: o.id, shipTo: ADDR });
    await emit(tx, {
      type: 'shipment.packed',
      warehouseId: sys.wh1,
      payload: {
        shipmentId: c.shipmentId,
        orderId: o.id,
        cartonNo: 1,
        cartonCount: 1,
        boxId: 'M',
        weightG: 1200,
        expectedWeightG: 1200,
        lengthMm: 300,
        widthMm: 200,
        heightMm: 150,
        carrierCode: null,
        trackingNumber: null,
      },
    });
    const e = (await sqlOne<IdRow>(tx, `select id::text from outbox where type = 'shipment.packed' and payload->>'shipmentId' = ?`, [
      c.shipmentId,
    ]))!;
    return { orderId: o.id, shipmentId: c.shipmentId, eventId: e.id };
  });
}

describe('consolidation window', () => {
  it(
    'a packed carton waits for the window, so an order for the same consignee packed later joins its consignment',
    { timeout: 120_000 },
    async () => {
      const a = await packOrder(1);
      // The worker saw A's carton and held it instead of deciding.
      const held = await waitFor(async () => {
        const job = await sys.rt.queues.get('shipping').getJob(`evt-${a.eventId}`);
        return job?.returnvalue ? (job.returnvalue as { heldS?: number }) : undefined;
      }, 'carton A held');
      expect(held.heldS).toBeGreaterThan(0);
      expect(
        (await sqlOne<Pick<ShipmentRow, 'selection'>>(em(), 'select selection from shipment where id = ?', [a.shipmentId]))!.selection,
      ).toBeNull();
      const b = await packOrder(2);
      const rows = await waitFor(async () => {
        const r = await sql<Pick<ShipmentRow, 'consignment_id' | 'selection'>>(
          em(),
          'select consignment_id, selection from shipment where id = any(?::uuid[])',
          [`{${a.shipmentId},${b.shipmentId}}`],
        );
        return r.every((x) => x.selection) ? r : undefined;
      }, 'both cartons decided');
      expect(rows[0]!.consignment_id).toEqual(expect.any(String));
      expect(rows[1]!.consignment_id).toBe(rows[0]!.consignment_id);
      const c = (await sqlOne<Pick<ConsignmentRow, 'order_ids'>>(em(), 'select order_ids from consignment where id = ?', [
        rows[0]!.consignment_id,
      ]))!;
      expect(c.order_ids.sort()).toEqual([a.orderId, b.orderId].sort());
    },
  );
});
