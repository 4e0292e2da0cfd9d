import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { buildFloor, itemScanFor, type FloorFixture } from '../floor/fixture.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import type { EventPayloadRow } from '../harness/rows.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';
import type { EventConsumptionRow } from '../../domain/events/entities/event-consumption.entity.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';

type ReplenishTaskRow = Pick<TaskRow, 'id' | 'from_location_id' | 'qty' | 'priority' | 'status'> & { details: any };
/** The balance a reservation is on, and what its location holds of the SKU in all. */
type FaceBalanceRow = Pick<StockBalanceRow, 'on_hand'> & { total: number };
type MovedEventRow = Pick<OutboxRow, 'id'> & EventPayloadRow;
type ReleasedEventRow = Pick<OutboxRow, 'id' | 'seq' | 'created_at'> & { payload: any };
/**
 * Replenishment triggered by the floor itself, end to end over HTTP with the workers running: a real short
 * pick on a handheld raises an emergency replenishment, and a released wave that needs more than a face
 * holds raises one before anybody picks.
 */
let sys: TestSystem;
let fx: FloorFixture;
let sup: TestUser;
let picker: TestUser;
let replenisher: TestUser;
const face: Record<number, string> = {};
const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  // Four SKUs: each with a pick face (300 units) and a reserve location behind it (100 units), no orders yet.
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { skus: 4, orders: 0, seed: 3, prefix: 'RF' }));
  // The fixture receives face and reserve in one transaction (same receipt time); the reserve pallets came later,
  // so FIFO allocation takes the face first, as it would on a real floor.
  await sql(
    sys.rt.orm.em.fork(),
    `update stock_balance b set first_received_at = b.first_received_at + interval '1 day' from location l
    where l.id = b.location_id and l.warehouse_id = ? and l.type = 'reserve'`,
    [sys.wh1],
  );
  sup = await sys.user('sup-rflow', ['supervisor'], [sys.wh1]);
  picker = await sys.user('pick-rflow', ['picker'], [sys.wh1]);
  replenisher = await sys.user('repl-rflow', ['receiver'], [sys.wh1]);
  for (const i of [0, 1, 2]) {
    const sku = fx.skus[i]!;
    face[i] = (await sqlOne<IdRow>(sys.rt.orm.em.fork(), `select id from location where warehouse_id = ? and code = ?`, [
      sys.wh1,
      `A-${String(i + 1).padStart(2, '0')}-01-01`,
    ]))!.id;
    const r = await api('PUT', `/warehouses/${sys.wh1}/pick-faces/${face[i]}`, sup.token, { skuId: sku.id, minQty: 20, maxQty: 320 });
    expect(r.status, r.text).toBe(200);
  }
}, 120_000);
afterAll(async () => sys?.close());

/** Orders of the given SKU quantities, allocated (FIFO: the face was received first, then reserve). */
async function orders(lines: { sku: number; qty: number }[][], tag: string): Promise<string[]> {
  return withTx(sys.rt.orm.em, async (tx) => {
    const ids: string[] = [];
    for (const [k, ls] of lines.entries()) {
      const o = (await sqlOne<IdRow>(
        tx,
        `insert into sales_order (warehouse_id, external_id, source, status, currency, shipping_method, ship_to)
        values (?, ?, 'api', 'pending', 'EUR', 'dhl:express', '{"name":"C","country":"NL"}'::jsonb) returning id`,
        [sys.wh1, `${tag}-${k}`],
      ))!;
      for (const [n, l] of ls.entries())
        await sql(tx, 'insert into order_line (order_id, line_no, sku_id, qty, name) values (?, ?, ?, ?, ?)', [
          o.id,
          n + 1,
          fx.skus[l.sku]!.id,
          l.qty,
          fx.skus[l.sku]!.code,
        ]);
      ids.push(o.id);
    }
    for (const id of ids) await allocateOrder(tx, id, systemClock);
    return ids;
  });
}

/** Until every event is relayed and the replenishment queue has nothing waiting or running. */
async function settled() {
  const q = sys.rt.queues.get('replenishment');
  for (;;) {
    const pending = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select count(*)::int as n from outbox where warehouse_id = ? and (seq is null or relayed_at is null)`,
      [sys.wh1],
    );
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (pending!.n === 0 && c.waiting + c.active + c.delayed + c.prioritized === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until every event is relayed and neither queue a pick's stock.moved may go to has anything waiting or running. */
async function settledAll() {
  await settled();
  const q = sys.rt.queues.get('allocation-triggers');
  for (;;) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (c.waiting + c.active + c.delayed + c.prioritized === 0) return settled();
    await new Promise((r) => setTimeout(r, 100));
  }
}

const replenishTasks = (locationId: string) =>
  sql<ReplenishTaskRow>(
    sys.rt.orm.em.fork(),
    `select id, from_location_id, qty, priority, details, status from task where type = 'replenish' and to_location_id = ? order by created_at`,
    [locationId],
  );

describe('replenishment triggered by the floor', () => {
  it('a real short pick on the handheld raises one emergency replenishment of the face, announced live', async () => {
    const [orderId] = await orders([[{ sku: 1, qty: 4 }]], 'RF-SHORT');
    const wave = await api('POST', `/warehouses/${sys.wh1}/waves`, sup.token, { orderIds: [orderId], pickMode: 'discrete', release: true });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    await settled();
    // Plenty on the face (300 vs min 20): the wave itself raised nothing.
    expect(await replenishTasks(face[1]!)).toEqual([]);

    const claim = await api('POST', '/tasks/claim', picker.token, { warehouseId: sys.wh1, types: ['pick'] });
    expect(claim.status, claim.text).toBe(200);
    const line = claim.body.lines[0];
    expect(line).toMatchObject({ skuId: fx.skus[1]!.id, locationId: face[1] });
    const short = await api('POST', `/tasks/${claim.body.id}/lines/${line.id}/short`, picker.token, { qtyFound: 1, toteScan: 'TOTE-RF-1' });
    expect(short.status, short.text).toBe(200);
    // The 3 missing units were re-allocated on reserve and inserted into the pick list: pick them to finish the task.
    let task = short.body;
    while (task.status !== 'done') {
      const l = task.lines.find((x: any) => x.status === 'open');
      const r = await api('POST', `/tasks/${task.id}/lines/${l.id}/confirm`, picker.token, {
        locationScan: l.locationCode,
        itemScan: itemScanFor(fx.skus[1]!, l.lot),
        qty: l.qty - l.qtyPicked,
        toteScan: 'TOTE-RF-1',
      });
      expect(r.status, r.text).toBe(200);
      task = r.body;
    }
    await settled();

    const tasks = await replenishTasks(face[1]!);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ priority: 300, details: expect.objectContaining({ reason: 'short_pick', emergency: true }) });
    const reserve = (await sqlOne<IdRow>(sys.rt.orm.em.fork(), `select id from location where warehouse_id = ? and code = 'A-02-02-01'`, [
      sys.wh1,
    ]))!.id;
    expect(tasks[0]!.from_location_id).toBe(reserve);
    const ev = await sql<EventPayloadRow>(
      sys.rt.orm.em.fork(),
      `select payload from outbox where type = 'replenishment.requested' and payload->>'locationId' = ?`,
      [face[1]],
    );
    expect(ev.map((e) => e.payload)).toEqual([expect.objectContaining({ taskId: tasks[0]!.id, reason: 'short_pick', emergency: true })]);
    // A replenisher's next claim is this emergency task.
    const next = await api('POST', '/tasks/claim', replenisher.token, { warehouseId: sys.wh1 });
    expect(next.body.id).toBe(tasks[0]!.id);
    expect((await api('POST', `/tasks/${next.body.id}/release`, replenisher.token, {})).status).toBeLessThan(300);
  });

  it('a released wave that needs more than a face holds raises a wave-demand replenishment before any pick', async () => {
    // SKU 0: 5 × 70 = 350 units wanted; the face holds 300, so 50 are allocated on reserve and 50 stay free there.
    // SKU 2: 5 units, far above min after the wave: nothing to do.
    const ids = await orders(
      [
        ...Array.from({ length: 5 }, () => [{ sku: 0, qty: 70 }]),
        [
          { sku: 2, qty: 5 },
          { sku: 3, qty: 1 },
        ],
      ],
      'RF-WAVE',
    );
    const before = await sql(sys.rt.orm.em.fork(), `select 1 from stock_movement where type = 'pick' and sku_id = ?`, [fx.skus[0]!.id]);
    expect(before).toHaveLength(0);
    const wave = await api('POST', `/warehouses/${sys.wh1}/waves`, sup.token, {
      orderIds: ids,
      pickMode: 'batch',
      cartSlots: 8,
      release: true,
    });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect(wave.body.status).toBe('released');
    await settled();

    const tasks = await replenishTasks(face[0]!);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      priority: 150,
      status: 'open',
      details: expect.objectContaining({ reason: 'wave_demand', emergency: false }),
    });
    // It brings what reserve holds free (100 received − 50 allocated to the wave), FEFO/FIFO from reserve.
    expect(tasks[0]!.qty).toBe(50);
    expect(await replenishTasks(face[2]!)).toEqual([]);

    // The wave's release is relayed at least once; a redelivery raises nothing more.
    const [released] = await sql<ReleasedEventRow>(
      sys.rt.orm.em.fork(),
      `select id, seq, payload, created_at from outbox where type = 'wave.released' and payload->>'waveId' = ?`,
      [wave.body.id],
    );
    await sys.rt.queues.get('replenishment').add('wave.released', {
      id: String(released!.id),
      seq: Number(released!.seq),
      warehouseId: sys.wh1,
      type: 'wave.released',
      payload: released!.payload,
      occurredAt: new Date(released!.created_at).toISOString(),
    });
    await settled();
    expect(await replenishTasks(face[0]!)).toHaveLength(1);

    // Picking the wave's lines at the face confirms the demand: the replenisher brings the stock, picks go on.
    const claim = await api('POST', '/tasks/claim', picker.token, { warehouseId: sys.wh1, types: ['pick'] });
    expect(claim.status).toBe(200);
    const atFace = claim.body.lines.find((l: any) => l.locationId === face[0]);
    expect(atFace).toBeTruthy();
    const ok = await api('POST', `/tasks/${claim.body.id}/lines/${atFace.id}/confirm`, picker.token, {
      locationScan: atFace.locationCode,
      itemScan: itemScanFor(fx.skus[0]!, atFace.lot),
      qty: atFace.qty,
      toteScan: 'TOTE-RF-2',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await settled();
    expect(await replenishTasks(face[0]!)).toHaveLength(1); // still the one live task: no duplicate after the pick crossed min
  });

  it('a pick scan that leaves the face at or above min queues no replenishment check; one that takes it below min raises one; neither queues an allocation retry', async () => {
    const sku = fx.skus[3]!;
    const faceId = (await sqlOne<IdRow>(sys.rt.orm.em.fork(), `select id from location where warehouse_id = ? and code = 'A-04-01-01'`, [
      sys.wh1,
    ]))!.id;
    const [orderId] = await orders([[{ sku: 3, qty: 2 }]], 'RF-MIN');
    // The balance the order's reservation is on (the face: it was received first), and what the face holds in all.
    const bal = (await sqlOne<FaceBalanceRow>(
      sys.rt.orm.em.fork(),
      `select b.on_hand, (select sum(on_hand)::int from stock_balance where location_id = b.location_id and sku_id = b.sku_id
        and status = 'available') as total
      from stock_reservation r join order_line l on r.ref_id = l.id::text join stock_balance b on b.id = r.balance_id
      where l.order_id = ? and r.status = 'pending'`,
      [orderId],
    ))!;
    const setMin = async (minQty: number) =>
      expect(
        (await api('PUT', `/warehouses/${sys.wh1}/pick-faces/${faceId}`, sup.token, { skuId: sku.id, minQty, maxQty: 400 })).status,
      ).toBe(200);
    // The wave's 2 units leave the face at its min: its demand check raises nothing.
    await setMin(bal.on_hand - 2);
    const wave = await api('POST', `/warehouses/${sys.wh1}/waves`, sup.token, { orderIds: [orderId], pickMode: 'discrete', release: true });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    const minPicker = await sys.user('pick-rmin', ['picker'], [sys.wh1]);
    await sql(sys.rt.orm.em.fork(), `update task set reserved_for = ? where wave_id = ?`, [minPicker.id, wave.body.id]);
    await settledAll();
    expect(await replenishTasks(faceId)).toEqual([]);

    const claim = await api('POST', '/tasks/claim', minPicker.token, { warehouseId: sys.wh1, types: ['pick'] });
    expect(claim.status, claim.text).toBe(200);
    const line = claim.body.lines[0];
    expect(line).toMatchObject({ skuId: sku.id, locationId: faceId, qty: 2 });
    const pickOne = async () => {
      const r = await api('POST', `/tasks/${claim.body.id}/lines/${line.id}/confirm`, minPicker.token, {
        locationScan: line.locationCode,
        itemScan: itemScanFor(sku, line.lot),
        qty: 1,
        toteScan: 'TOTE-RF-MIN',
      });
      expect(r.status, r.text).toBe(200);
      await settledAll();
      const [moved] = await sql<MovedEventRow>(
        sys.rt.orm.em.fork(),
        `select id, payload from outbox where type = 'stock.moved' and payload->>'skuId' = ? and payload->>'type' = 'pick' order by id desc limit 1`,
        [sku.id],
      );
      const consumed = await sql<Pick<EventConsumptionRow, 'queue'>>(
        sys.rt.orm.em.fork(),
        `select queue from event_consumption where event_id = ? order by queue`,
        [moved!.id],
      );
      return { payload: moved!.payload, queues: consumed.map((c) => c.queue) };
    };

    // Still at min after the first unit: no job for either queue.
    const first = await pickOne();
    expect(first.queues).toEqual([]);
    expect(first.payload).toMatchObject({ toAllocatable: false, faceBelowMin: false });
    expect(await replenishTasks(faceId)).toEqual([]);

    // A min one above what the face holds now: the second unit takes it below, and the face gets a replenishment.
    await setMin(bal.total - 1);
    const second = await pickOne();
    expect(second.queues).toEqual(['replenishment']);
    expect(second.payload).toMatchObject({ toAllocatable: false, faceBelowMin: true });
    const tasks = await replenishTasks(faceId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ priority: 70, details: expect.objectContaining({ reason: 'below_min', emergency: false }) });

    // Stock received into the face can serve a backorder: its move still queues the allocation retry.
    const receipt = await api('POST', '/stock/movements', sup.token, {
      warehouseId: sys.wh1,
      type: 'receipt',
      reasonCode: 'initial-stock',
      skuId: sku.id,
      qty: 5,
      to: { locationId: faceId, ...(sku.lotTracked ? { lot: 'RF-MIN', expiry: '2030-01-01' } : {}) },
    });
    expect(receipt.status, receipt.text).toBe(201);
    await settledAll();
    const [arrived] = await sql<Pick<OutboxRow, 'id'>>(
      sys.rt.orm.em.fork(),
      `select id from outbox where type = 'stock.moved' and payload->>'type' = 'receipt' and payload->>'skuId' = ? order by id desc limit 1`,
      [sku.id],
    );
    const queues = await sql<Pick<EventConsumptionRow, 'queue'>>(
      sys.rt.orm.em.fork(),
      `select queue from event_consumption where event_id = ?`,
      [arrived!.id],
    );
    expect(queues.map((q) => q.queue)).toContain('allocation-triggers');
  });
});
