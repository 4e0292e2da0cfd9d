import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { cancelOrderTx } from '../../domain/orders/cancellation.js';
import { releaseDueTemplates } from '../../domain/picking/wave-planning.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor, itemScanFor, type FloorFixture } from './fixture.js';
import { bulkUsers, call, eventually, pickWholeTask, type BulkUser } from './support.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';

type OrderLinesRow = Pick<SalesOrderRow, 'id'> & { shipping_method: string; lines: number };
let sys: TestSystem;
let fx: FloorFixture;
let sup: BulkUser;
let pick: BulkUser[];
let packer: BulkUser;
let toteN = 0;
const totes = new Map<string, string>();
const toteFor = (taskId: string, orderId: string) => {
  const k = `${taskId}:${orderId}`;
  if (!totes.has(k)) totes.set(k, `FT-${++toteN}`);
  return totes.get(k)!;
};
const em = () => sys.rt.orm.em.fork();
const scanFor = (line: { skuId: string; lot: string | null }) =>
  itemScanFor(
    fx.skus.find((s) => s.id === line.skuId)!,
    line.lot,
  );
const claim = (p: BulkUser, types: string[]) => call('POST', `${sys.url}/v1/tasks/claim`, p.token, { warehouseId: sys.wh1, types });
const ordersOf = async (where: string) =>
  (
    await sql<IdRow>(
      em(),
      `select o.id from sales_order o where o.warehouse_id = ? and o.status = 'allocated' and ${where} order by o.created_at, o.id`,
      [sys.wh1],
    )
  ).map((r) => r.id);

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { TASK_LEASE_S: '5' } });
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 60, skus: 40, zones: 2, seed: 3, prefix: 'G' }));
  [sup] = await bulkUsers(sys, 'fsup', 1, ['supervisor']);
  pick = await bulkUsers(sys, 'fpick', 3, ['picker']);
  [packer] = await bulkUsers(sys, 'fpack', 1, ['packer']);
}, 240_000);
afterAll(async () => sys?.close());

describe('wave templates', () => {
  it('selects by carrier and order profile and explains every order left out', async () => {
    const t = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/wave-templates`, sup!.token, {
      name: 'DHL singles',
      carrierCodes: ['dhl'],
      orderProfile: 'single_line',
      pickMode: 'batch',
      cartSlots: 6,
    });
    expect(t.status).toBe(201);
    const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, { templateId: t.body.id });
    expect(w.status).toBe(201);
    expect(w.body.status).toBe('planned');
    const rows = await sql<OrderLinesRow>(
      em(),
      `select o.id, o.shipping_method, (select count(*)::int from order_line l where l.order_id = o.id) as lines
      from sales_order o where o.id = any(?::uuid[])`,
      [`{${w.body.orderIds.join(',')}}`],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect([r.shipping_method.startsWith('dhl'), r.lines]).toEqual([true, 1]);
    const out = w.body.allocationLog.filter((l: { included: boolean }) => !l.included);
    expect(out.length).toBeGreaterThan(0);
    expect(out.map((l: { reason: string }) => l.reason).join('\n')).toMatch(/carrier of "ups:ground"|single-line, order has/);
    // Cancelling a planned wave gives its orders back.
    const c = await call('POST', `${sys.url}/v1/waves/${w.body.id}/cancel`, sup!.token, { reason: 'replan' });
    expect(c.body.status).toBe('cancelled');
  });

  it('releases scheduled templates when due', async () => {
    const t = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/wave-templates`, sup!.token, {
      name: 'Hourly UPS',
      carrierCodes: ['ups'],
      maxOrders: 3,
      releaseEveryS: 3600,
      pickMode: 'discrete',
    });
    expect(await withTx(sys.rt.orm.em, (tx) => releaseDueTemplates(tx, systemClock))).toEqual([]);
    const later = { now: () => new Date(Date.now() + 3601_000) };
    const waves = await withTx(sys.rt.orm.em, (tx) => releaseDueTemplates(tx, later));
    expect(waves).toHaveLength(1);
    const w = await call('GET', `${sys.url}/v1/waves/${waves[0]}`, sup!.token);
    expect(w.body).toMatchObject({ status: 'released', templateId: t.body.id, pickMode: 'discrete' });
    expect(w.body.orderIds).toHaveLength(3);
    expect(w.body.taskIds).toHaveLength(3);
  });
});

describe('zone picking with consolidation at packing', () => {
  it('splits a batch by zone and packs an order only once every zone has picked it', async () => {
    const multi = await ordersOf(`(select count(distinct l2.zone_id) from order_line l join location l2 on l2.id in
      (select b.location_id from stock_reservation r join stock_balance b on b.id = r.balance_id where r.ref_id = l.id::text and r.status = 'pending') where l.order_id = o.id) = 2`);
    expect(multi.length).toBeGreaterThanOrEqual(2);
    const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, {
      orderIds: multi.slice(0, 4),
      pickMode: 'zone',
      cartSlots: 4,
      release: true,
    });
    expect(w.status).toBe(201);
    const tasks = await Promise.all(
      w.body.taskIds.map((id: string) => call('GET', `${sys.url}/v1/tasks/${id}`, sup!.token).then((r) => r.body)),
    );
    expect(tasks).toHaveLength(2);
    for (const t of tasks) expect(new Set(t.lines.map((l: { locationCode: string }) => l.locationCode[0])).size).toBeLessThanOrEqual(2);
    expect(new Set(tasks.map((t) => t.zoneId)).size).toBe(2);
    // Pick the first zone only.
    await call('POST', `${sys.url}/v1/tasks/${tasks[0].id}/reprioritise`, sup!.token, { priority: 999 });
    const t0 = (await claim(pick[0]!, ['pick'])).body;
    expect(t0.id).toBe(tasks[0].id);
    await pickWholeTask(sys.url, pick[0]!.token, t0, scanFor, toteFor);
    const orderId = multi[0]!;
    const early = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/pack-sessions`, packer!.token, {
      stationCode: 'PS-1',
      toteScan: toteFor(tasks[0].id, orderId),
    });
    expect(early.status).toBe(409);
    expect(early.body.type).toContain('order-not-consolidated');
    await call('POST', `${sys.url}/v1/tasks/${tasks[1].id}/reprioritise`, sup!.token, { priority: 999 });
    const t1 = (await claim(pick[0]!, ['pick'])).body;
    expect(t1.id).toBe(tasks[1].id);
    await pickWholeTask(sys.url, pick[0]!.token, t1, scanFor, toteFor);
    const s = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/pack-sessions`, packer!.token, {
      stationCode: 'PS-1',
      toteScan: toteFor(tasks[1].id, orderId),
    });
    expect(s.status).toBe(200);
    expect(s.body.toteCodes.sort()).toEqual([toteFor(tasks[0].id, orderId), toteFor(tasks[1].id, orderId)].sort());
  });
});

describe('handheld scan checks', () => {
  it('refuses a wrong location, item or lot, and answers a retried confirmation without repeating it', async () => {
    const lotSku = fx.skus.find((s) => s.lotTracked)!;
    const [orderId] = await ordersOf(`exists (select 1 from order_line l where l.order_id = o.id and l.sku_id = '${lotSku.id}')`);
    expect(orderId).toBeDefined();
    const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, {
      orderIds: [orderId],
      pickMode: 'discrete',
      priority: 1000,
      release: true,
    });
    const task = (await claim(pick[1]!, ['pick'])).body;
    expect(task.id).toBe(w.body.taskIds[0]);
    const line = task.lines.find((l: { skuId: string }) => l.skuId === lotSku.id);
    expect(line.lot).toBe(fx.lots.get(lotSku.id)![0]!.lot); // FEFO: the earliest expiry
    const url = `${sys.url}/v1/tasks/${task.id}/lines/${line.id}/confirm`;
    const body = { locationScan: line.locationCode, itemScan: itemScanFor(lotSku, line.lot), qty: line.qty, toteScan: 'LOTTOTE' };
    expect((await call('POST', url, pick[1]!.token, { ...body, locationScan: 'Z-99-01-01' })).body.type).toContain('wrong-location');
    expect(
      (
        await call('POST', url, pick[1]!.token, {
          ...body,
          itemScan: fx.skus[0]!.id === lotSku.id ? fx.skus[1]!.gtin13 : fx.skus[0]!.gtin13,
        })
      ).body.type,
    ).toContain('wrong-item');
    const wrongLot = await call('POST', url, pick[1]!.token, { ...body, itemScan: itemScanFor(lotSku, fx.lots.get(lotSku.id)![1]!.lot) });
    expect(wrongLot.status).toBe(422);
    expect(wrongLot.body.type).toContain('wrong-lot');
    expect((await call('POST', url, pick[2]!.token, body)).status).toBe(409); // not their task
    const ok = await call('POST', url, pick[1]!.token, body);
    expect(ok.status).toBe(200);
    const again = await call('POST', url, pick[1]!.token, body);
    expect(again.status).toBe(200);
    const moved = await sqlOne<CountRow>(em(), `select count(*)::int as n from stock_movement where type = 'pick' and ref_id = ?`, [
      line.orderLineId,
    ]);
    expect(moved!.n).toBe(1);
    await pickWholeTask(sys.url, pick[1]!.token, ok.body, scanFor, () => 'LOTTOTE');
  });
});

describe('background work', () => {
  it('returns a task abandoned by a silent handheld to the pool after its lease (repeatable job)', async () => {
    const [orderId] = await ordersOf('true');
    const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, {
      orderIds: [orderId],
      pickMode: 'discrete',
      priority: 1000,
      release: true,
    });
    const got = await claim(pick[2]!, ['pick']);
    expect(got.body.id).toBe(w.body.taskIds[0]);
    const back = await eventually(
      () => sqlOne<Pick<TaskRow, 'status' | 'assignee_id'>>(em(), 'select status, assignee_id from task where id = ?', [got.body.id]),
      (r) => r!.status === 'open',
      30_000,
    );
    expect(back!.assignee_id).toBeNull();
    const rel = await sqlOne<CountRow>(
      em(),
      `select count(*)::int as n from outbox where type = 'task.released' and payload->>'taskId' = ? and payload->>'reason' = 'lease_expired'`,
      [got.body.id],
    );
    expect(rel!.n).toBe(1);
    // The next picker carries on with it.
    expect((await claim(pick[0]!, ['pick'])).body.id).toBe(got.body.id);
    await pickWholeTask(sys.url, pick[0]!.token, (await claim(pick[0]!, ['pick'])).body, scanFor, toteFor);
  });

  it('drops a cancelled order from the floor, and puts back what was already picked', async () => {
    const [a, b] = await ordersOf('true');
    const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, {
      orderIds: [a, b],
      pickMode: 'discrete',
      priority: 1000,
      release: true,
    });
    // a: cancelled before pick → its task is cancelled by the floor worker.
    await withTx(sys.rt.orm.em, (tx) => cancelOrderTx(tx, a!, { reason: 'customer changed mind', source: 'test' }));
    await eventually(
      () => sql<Pick<TaskRow, 'status'>>(em(), `select status from task where wave_id = ? and order_id = ?`, [w.body.id, a]),
      (r) => r[0]?.status === 'cancelled',
    );
    // b: picked, then cancelled → put-back task.
    const t = (await claim(pick[1]!, ['pick'])).body;
    expect(t.orderId).toBe(b);
    await pickWholeTask(sys.url, pick[1]!.token, t, scanFor, toteFor);
    await withTx(sys.rt.orm.em, (tx) => cancelOrderTx(tx, b!, { reason: 'fraud', source: 'test' }));
    const pb = await eventually(
      () => claim(pick[1]!, ['putback']),
      (r) => r.status === 200,
    );
    expect(pb.body.type).toBe('putback');
    let task = pb.body;
    for (const line of pb.body.lines) {
      const r = await call('POST', `${sys.url}/v1/tasks/${task.id}/lines/${line.id}/putback`, pick[1]!.token, {
        locationScan: line.locationCode,
        itemScan: scanFor(line),
        qty: line.qty,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      task = r.body;
    }
    expect(task.status).toBe('done');
    const inTotes = await sqlOne<CountRow>(
      em(),
      `select coalesce(sum(b.on_hand), 0)::int as n from stock_balance b join tote t on t.lpn_id = b.lpn_id where t.code = ?`,
      [toteFor(t.id, b!)],
    );
    expect(inTotes!.n).toBe(0);
    expect(await ledgerMismatches(em(), sys.wh1)).toEqual([]);
  });

  it('streams allocated orders straight to the floor with a waveless template', async () => {
    await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/wave-templates`, sup!.token, {
      name: 'Stream',
      streaming: true,
      pickMode: 'discrete',
    });
    const sku = fx.skus[5]!;
    const o = await sqlOne<IdRow>(
      em(),
      `insert into sales_order (warehouse_id, external_id, source, status, currency, shipping_method) values (?, 'STREAM-1', 'api', 'pending', 'EUR', 'dhl:express') returning id`,
      [sys.wh1],
    );
    await sql(em(), `insert into order_line (order_id, line_no, sku_id, qty) values (?, 1, ?, 1)`, [o!.id, sku.id]);
    await withTx(sys.rt.orm.em, (tx) => allocateOrder(tx, o!.id, systemClock));
    const task = await eventually(
      () => sqlOne<Pick<TaskRow, 'id' | 'type'>>(em(), `select t.id, t.type from task t where t.order_id = ?`, [o!.id]),
      (r) => !!r,
    );
    expect(task!.type).toBe('pick');
    expect((await sqlOne<Pick<SalesOrderRow, 'status'>>(em(), 'select status from sales_order where id = ?', [o!.id]))!.status).toBe(
      'released',
    );
  });
});
