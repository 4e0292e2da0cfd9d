import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { selectCarrier } from '../../domain/shipping/carrier-selection.service.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { packedShipment } from './packed.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';
import type { ConsignmentRow } from '../../domain/shipping/entities/consignment.entity.js';
let sys: TestSystem;
let packer: TestUser;
const NOW = new Date('2026-12-03T10:00:00Z');
const em = () => sys.rt.orm.em.fork();
let n = 0;

beforeAll(async () => {
  sys = await startTestSystem();
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  await seedShipping(em(), sys.wh1);
});
afterAll(() => sys?.close());

/** An order with its ship-to and one line of its carton's SKU (chilled when perishable), packed into `cartons` cartons. */
async function packedOrder(
  shipTo: Record<string, unknown>,
  o: { cartons?: number; perishable?: boolean; tags?: string[]; totalMinor?: number; promise?: string } = {},
): Promise<{ orderId: string; shipmentIds: string[] }> {
  return withTx(sys.rt.orm.em, async (tx: EntityManager) => {
    const order = (await sqlOne<IdRow>(
      tx,
      `insert into sales_order (warehouse_id, external_id, source, status, ship_to, currency, total_minor, tags, promise_date)
      values (?, ?, 'api', 'packed', ?::jsonb, 'EUR', ?, ?::text[], ?::date) returning id`,
      [
        sys.wh1,
        `CONS-${process.pid}-${++n}`,
        JSON.stringify(shipTo),
        o.totalMinor ?? 4500,
        `{${(o.tags ?? []).join(',')}}`,
        o.promise ?? null,
      ],
    ))!;
    const shipmentIds: string[] = [];
    for (let i = 0; i < (o.cartons ?? 1); i++) {
      const c = await packedShipment(tx, sys.wh1, { orderId: order.id, shipTo, weightG: 2000 });
      if (o.perishable) await sql(tx, `update sku set storage_condition = 'chilled' where id = ?`, [c.skuId]);
      await sql(tx, `insert into order_line (order_id, line_no, sku_id, qty, name) values (?, ?, ?, 3, 'item')`, [
        order.id,
        i + 1,
        c.skuId,
      ]);
      shipmentIds.push(c.shipmentId);
    }
    return { orderId: order.id, shipmentIds };
  });
}

const ROTTERDAM = { name: 'Anna de Vries', address1: 'Coolsingel 40', city: 'Rotterdam', postcode: '3011 AD', countryCode: 'NL' };

describe('consolidation of orders for the same consignee and address', () => {
  it('quotes the cartons of both orders as one consignment, stores the decision and its reason, and leaves others apart', async () => {
    const a = await packedOrder(ROTTERDAM, { cartons: 2 });
    // The same consignee and address written differently (spacing, case, postcode format).
    const b = await packedOrder({
      ...ROTTERDAM,
      name: 'anna  de vries',
      address1: ' coolsingel 40 ',
      postcode: '3011ad',
      city: 'ROTTERDAM',
    });
    const neighbour = await packedOrder({ ...ROTTERDAM, name: 'Bram Bakker' });
    const alone = await packedOrder(ROTTERDAM, { tags: ['ship-alone'] });
    const cold = await packedOrder(ROTTERDAM, { perishable: true });

    const r = await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, a.shipmentIds[0]!, NOW));
    expect(r!.consignmentId).toEqual(expect.any(String));
    expect(r!.shipmentIds.sort()).toEqual([...a.shipmentIds, ...b.shipmentIds].sort());
    expect(r!.deliveryMode).toBe('consolidation');
    expect(r!.reason).toMatch(/consolidated: 2 orders for the same consignee at the same address, 3 parcel\(s\) as one consignment/);
    expect(r!.reason).toMatch(/ambient goods travel apart|perishable goods travel apart/);

    const c = (await sqlOne<any>(em(), 'select * from consignment where id = ?', [r!.consignmentId]))!;
    expect(c.order_ids.sort()).toEqual([a.orderId, b.orderId].sort());
    expect(c.shipment_ids).toHaveLength(3);
    expect([c.carrier_code, c.delivery_mode]).toEqual([r!.carrier, 'consolidation']);
    expect(c.reason).toBe(r!.reason);
    const ships = await sql<any>(
      em(),
      'select id, consignment_id, carrier_code, quoted_cost_minor, selection from shipment where id = any(?::uuid[])',
      [`{${c.shipment_ids.join(',')}}`],
    );
    for (const s of ships) {
      expect([s.consignment_id, s.carrier_code]).toEqual([c.id, r!.carrier]);
      expect(s.selection.consignment).toEqual({ id: c.id, orderIds: expect.arrayContaining([a.orderId, b.orderId]) });
    }
    // The consignment's price is split over its parcels to the cent.
    expect(ships.reduce((sum: number, s: any) => sum + s.quoted_cost_minor, 0)).toBe(c.total_minor);
    // Another consignee next door, a ship-alone order and a perishable one are not part of it.
    for (const other of [neighbour, alone, cold]) {
      const s = await sqlOne<Pick<ShipmentRow, 'selection'>>(em(), 'select selection from shipment where id = ?', [other.shipmentIds[0]]);
      expect(s!.selection).toBeNull();
    }
    // The API shows the decision on each carton.
    const view = await http('GET', `${sys.url}/v1/shipments/${b.shipmentIds[0]}`, { token: packer.token });
    expect(view.body).toMatchObject({ deliveryMode: 'consolidation', consignmentId: c.id, carrierCode: r!.carrier });
    // The perishable order goes its own way: cold-chain services within the perishable transit limit only.
    const rc = await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, cold.shipmentIds[0]!, NOW));
    expect(rc!.consignmentId).toBeNull();
    expect(rc!.reason).toMatch(/perishable: cold-chain services within 1 day\(s\) only/);
  });

  it('two workers deciding two orders of the same address at once make one consignment (no deadlock, no split)', async () => {
    const addr = { name: 'Kees Jansen', address1: 'Witte de Withstraat 50', city: 'Rotterdam', postcode: '3012 BR', countryCode: 'NL' };
    const orders = await Promise.all(Array.from({ length: 6 }, () => packedOrder(addr)));
    const results = await Promise.all(orders.map((o) => withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, o.shipmentIds[0]!, NOW))));
    const ids = new Set(results.map((x) => x!.consignmentId));
    expect(ids.size).toBe(1);
    const c = (await sqlOne<Pick<ConsignmentRow, 'order_ids'>>(em(), 'select order_ids from consignment where id = ?', [[...ids][0]]))!;
    expect(c.order_ids.sort()).toEqual(orders.map((o) => o.orderId).sort());
    expect(
      (await sqlOne<CountRow>(em(), `select count(*)::int as n from consignment where consolidation_key like '%witte de withstraat 50%'`))!
        .n,
    ).toBe(1);
  });

  it('does not consolidate when the warehouse turns it off', async () => {
    await sql(em(), 'update shipping_settings set consolidate_orders = false where warehouse_id = ?', [sys.wh1]);
    const addr = { name: 'Sanne Smit', address1: 'Meent 1', city: 'Rotterdam', postcode: '3011 JA', countryCode: 'NL' };
    const [x, y] = [await packedOrder(addr), await packedOrder(addr)];
    const r = await withTx(sys.rt.orm.em, (tx) => selectCarrier(tx, x.shipmentIds[0]!, NOW));
    expect(r!.consignmentId).toBeNull();
    expect(r!.deliveryMode).toBe('parcel');
    expect(
      (await sqlOne<Pick<ShipmentRow, 'selection'>>(em(), 'select selection from shipment where id = ?', [y.shipmentIds[0]]))!.selection,
    ).toBeNull();
    await sql(em(), 'update shipping_settings set consolidate_orders = true where warehouse_id = ?', [sys.wh1]);
  });
});
