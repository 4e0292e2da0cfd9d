/**
 * Double submit: every handheld command is fired twice concurrently with one Idempotency-Key, and then once
 * more with that key after the answer was "lost" (a retry from a handheld on flaky Wi-Fi). Each must take effect
 * exactly once, and every answer must be the first one's. Also: the same key with a different body is refused,
 * and a refresh retried within the grace window returns the same new refresh token without revoking the family.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor, itemScanFor, type FloorFixture } from '../floor/fixture.js';
import { bulkUsers, call, pickWholeTask, type BulkUser } from '../floor/support.js';

import type { CountRow, IdRow } from '../../domain/shared/rows.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import type { LicensePlateRow } from '../../domain/inventory/entities/license-plate.entity.js';
import type { LocationRow } from '../../domain/layout/entities/location.entity.js';
let sys: TestSystem;
let fx: FloorFixture;
let sup: BulkUser;
let picker: BulkUser;
let packer: BulkUser;
const em = () => sys.rt.orm.em.fork();
const scanFor = (line: { skuId: string; lot: string | null }) =>
  itemScanFor(
    fx.skus.find((s) => s.id === line.skuId)!,
    line.lot,
  );

beforeAll(async () => {
  sys = await startTestSystem();
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 12, skus: 12, seed: 5, prefix: 'D' }));
  [sup] = await bulkUsers(sys, 'dsup', 1, ['supervisor']);
  [picker] = await bulkUsers(sys, 'dpick', 1, ['picker']);
  [packer] = await bulkUsers(sys, 'dpack', 1, ['packer']);
}, 120_000);
afterAll(async () => sys?.close());

interface Answer {
  status: number;
  text: string;
  replayed: string | null;
}
async function send(method: string, path: string, token: string, body: unknown, key: string): Promise<Answer> {
  const r = await http(method, `${sys.url}${path}`, { token, body, headers: { 'idempotency-key': key } });
  return { status: r.status, text: r.text, replayed: r.headers.get('idempotent-replayed') };
}

/** Two at once with one key, then a third after the answer was lost; all three answers must be the same. */
async function fireTwiceThenRetry(path: string, token: string, body: unknown): Promise<Answer> {
  const key = randomUUID();
  const [a, b] = await Promise.all([send('POST', path, token, body, key), send('POST', path, token, body, key)]);
  const c = await send('POST', path, token, body, key);
  expect(a.status, a.text).toBeLessThan(300);
  expect([b.status, b.text]).toEqual([a.status, a.text]);
  expect([c.status, c.text]).toEqual([a.status, a.text]);
  expect([a.replayed, b.replayed].filter(Boolean)).toHaveLength(1); // one ran, the other waited and got the replay
  expect(c.replayed).toBe('true');
  return a;
}

const count = async (q: string, p: unknown[]) => (await sqlOne<CountRow>(em(), q, p))!.n;

async function releasedPickTask(orderId: string) {
  const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup.token, {
    orderIds: [orderId],
    pickMode: 'discrete',
    priority: 1000,
    release: true,
  });
  expect(w.status).toBe(201);
  const task = await call('POST', `${sys.url}/v1/tasks/claim`, picker.token, { warehouseId: sys.wh1, types: ['pick'] });
  expect(task.body.id).toBe(w.body.taskIds[0]);
  return task.body;
}

describe('every handheld command fired twice concurrently and retried after a lost response is applied once', () => {
  it('POST /stock/movements', async () => {
    const loc = await sqlOne<IdRow>(em(), `select id from location where warehouse_id = ? and type = 'reserve' limit 1`, [sys.wh1]);
    const body = {
      warehouseId: sys.wh1,
      type: 'receipt',
      reasonCode: 'found',
      skuId: fx.skus[0]!.id,
      qty: 7,
      to: { locationId: loc!.id },
      refType: 'dbl',
    };
    const before = await count(`select count(*)::int as n from stock_movement where ref_type = 'dbl'`, []);
    await fireTwiceThenRetry('/v1/stock/movements', sup.token, body);
    expect(await count(`select count(*)::int as n from stock_movement where ref_type = 'dbl'`, [])).toBe(before + 1);
    // The same key with another body is refused and writes nothing.
    const key = randomUUID();
    expect((await send('POST', '/v1/stock/movements', sup.token, body, key)).status).toBe(201);
    const other = await send('POST', '/v1/stock/movements', sup.token, { ...body, qty: 8 }, key);
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text).type).toContain('idempotency-key-reused');
    expect(await count(`select count(*)::int as n from stock_movement where ref_type = 'dbl'`, [])).toBe(before + 2);
  });

  it('partial pick confirm, short pick, pack verify and pack', async () => {
    // An order with a line of 2 units: confirm 1 (partial), then report the other short... on a second line if any.
    const orderId = (await sqlOne<IdRow>(
      em(),
      `select o.id from sales_order o where o.warehouse_id = ? and o.status = 'allocated'
        and exists (select 1 from order_line l where l.order_id = o.id and l.qty = 2) order by o.created_at limit 1`,
      [sys.wh1],
    ))!.id;
    let task = await releasedPickTask(orderId);
    const line = task.lines.find((l: { qty: number }) => l.qty === 2);
    const confirm = { locationScan: line.locationCode, itemScan: scanFor(line), qty: 1, toteScan: 'DBL-TOTE-1' };
    const picked = JSON.parse((await fireTwiceThenRetry(`/v1/tasks/${task.id}/lines/${line.id}/confirm`, picker.token, confirm)).text);
    expect(picked.lines.find((l: { id: string }) => l.id === line.id).qtyPicked).toBe(1);
    expect(await count(`select count(*)::int as n from stock_movement where type = 'pick' and ref_id = ?`, [line.orderLineId])).toBe(1);
    // A second partial confirm of the same line with a new key is a new command (1 more unit).
    const second = await send('POST', `/v1/tasks/${task.id}/lines/${line.id}/confirm`, picker.token, confirm, randomUUID());
    expect(second.status).toBe(200);
    task = JSON.parse(second.text);
    expect(task.lines.find((l: { id: string }) => l.id === line.id).qtyPicked).toBe(2);
    expect(await count(`select count(*)::int as n from stock_movement where type = 'pick' and ref_id = ?`, [line.orderLineId])).toBe(2);
    await pickWholeTask(sys.url, picker.token, task, scanFor, () => 'DBL-TOTE-1');

    const session = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/pack-sessions`, packer.token, {
      stationCode: 'PS-D',
      toteScan: 'DBL-TOTE-1',
    });
    expect(session.status).toBe(200);
    const item = session.body.items[0];
    const sku = fx.skus.find((s) => s.id === item.skuId)!;
    const verified = JSON.parse(
      (await fireTwiceThenRetry(`/v1/pack-sessions/${session.body.id}/verify`, packer.token, { itemScan: sku.gtin13, qty: 1 })).text,
    );
    expect(verified.items.find((i: { skuId: string }) => i.skuId === item.skuId).qtyVerified).toBe(1);
    let s = verified;
    for (const it of s.items as { skuId: string; qtyExpected: number; qtyVerified: number }[]) {
      const left = it.qtyExpected - it.qtyVerified;
      if (left > 0)
        s = (
          await call('POST', `${sys.url}/v1/pack-sessions/${session.body.id}/verify`, packer.token, {
            itemScan: fx.skus.find((x) => x.id === it.skuId)!.gtin13,
            qty: left,
          })
        ).body;
    }
    expect(s.status).toBe('verified');
    const weights = (s.proposal.cartons as { expectedWeightG: number }[]).map((c) => c.expectedWeightG);
    const packed = JSON.parse(
      (await fireTwiceThenRetry(`/v1/pack-sessions/${session.body.id}/pack`, packer.token, { weightsG: weights })).text,
    );
    expect(packed.status).toBe('packed');
    expect(await count(`select count(*)::int as n from shipment where order_id = ?`, [orderId])).toBe(weights.length);
  });

  it('short pick', async () => {
    const orderId = (await sqlOne<IdRow>(
      em(),
      `select o.id from sales_order o where o.warehouse_id = ? and o.status = 'allocated' order by o.created_at desc limit 1`,
      [sys.wh1],
    ))!.id;
    const task = await releasedPickTask(orderId);
    const line = task.lines[0];
    const shorted = JSON.parse(
      (await fireTwiceThenRetry(`/v1/tasks/${task.id}/lines/${line.id}/short`, picker.token, { qtyFound: 0 })).text,
    );
    expect(shorted.lines.find((l: { id: string }) => l.id === line.id).status).not.toBe('open');
    // One count task raised for the short, not two.
    expect(
      await count(`select count(*)::int as n from count_task where location_id = (select location_id from task_line where id = ?)`, [
        line.id,
      ]),
    ).toBe(1);
    await call('POST', `${sys.url}/v1/tasks/${task.id}/release`, picker.token, {});
  });

  it('count submit: a retried round 1 does not become the recount', async () => {
    const loc = await sqlOne<Pick<LocationRow, 'id'> & Pick<StockBalanceRow, 'sku_id' | 'on_hand'>>(
      em(),
      `select b.location_id as id, b.sku_id, b.on_hand from stock_balance b join location l on l.id = b.location_id
        where l.warehouse_id = ? and l.type = 'reserve' and b.on_hand > 0 and b.lot is null
        and not exists (select 1 from count_task c where c.location_id = b.location_id) limit 1`,
      [sys.wh1],
    );
    const created = await call('POST', `${sys.url}/v1/counts`, sup.token, {
      warehouseId: sys.wh1,
      kind: 'location',
      locationIds: [loc!.id],
    });
    expect(created.status).toBe(201);
    const countId = created.body.items[0].id;
    // Far off: round 1 asks for a recount; a retry of round 1 must replay that, not count as round 2.
    const r = JSON.parse(
      (await fireTwiceThenRetry(`/v1/counts/${countId}/submit`, picker.token, { lines: [{ skuId: loc!.sku_id, qty: loc!.on_hand + 50 }] }))
        .text,
    );
    expect([r.status, r.round]).toEqual(['recount', 2]);
    expect(await count(`select count(distinct round)::int as n from count_line where task_id = ?`, [countId])).toBe(1);
  });

  it('LPN move', async () => {
    const [a, b] = await sql<IdRow>(em(), `select id from location where warehouse_id = ? and type = 'reserve' order by code limit 2`, [
      sys.wh1,
    ]);
    const lpn = await call('POST', `${sys.url}/v1/lpns`, sup.token, { warehouseId: sys.wh1, type: 'pallet', locationId: a!.id });
    expect(lpn.status).toBe(201);
    const moved = JSON.parse((await fireTwiceThenRetry(`/v1/lpns/${lpn.body.id}/move`, picker.token, { toLocationId: b!.id })).text);
    expect(moved.lpn.locationId).toBe(b!.id);
    // Moving it back with a new key works; replaying the first key does not move it again.
    await send('POST', `/v1/lpns/${lpn.body.id}/move`, picker.token, { toLocationId: a!.id }, randomUUID());
    const row = await sqlOne<Pick<LicensePlateRow, 'location_id'>>(em(), 'select location_id from license_plate where id = ?', [
      lpn.body.id,
    ]);
    expect(row!.location_id).toBe(a!.id);
  });
});

describe('receiving scans and putaway fired twice and retried are applied once', () => {
  it('a GTIN receipt scan and the putaway confirm that follows it', async () => {
    await sql(
      em(),
      `insert into location (warehouse_id, code, type, x_mm, y_mm) values (?, 'DOCK-DBL', 'dock', 0, 0) on conflict do nothing`,
      [sys.wh1],
    );
    const [receiver] = await bulkUsers(sys, 'drecv', 1, ['receiver']);
    const sku = fx.skus.find((x) => !x.lotTracked)!;
    const asn = await call('POST', `${sys.url}/v1/inbound/asns`, sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-DBL-1',
      supplier: { name: 'Double Supplier' },
      lines: [{ sku: sku.code, qty: 6 }],
    });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    const received = JSON.parse(
      (await fireTwiceThenRetry(`/v1/inbound/asns/${asn.body.id}/receive`, receiver!.token, { raw: sku.gtin13, qty: 6 })).text,
    );
    const receipts = `select count(*)::int as n, coalesce(sum(qty), 0)::int as q from stock_movement where type = 'receipt' and sku_id = ? and to_location_id = (select id from location where warehouse_id = ? and code = 'DOCK-DBL')`;
    expect(await sqlOne(em(), receipts, [sku.id, sys.wh1])).toEqual({ n: 1, q: 6 });
    expect(received.putawayTaskIds).toHaveLength(1);
    const taskId = received.putawayTaskIds[0];
    const claim = await call('POST', `${sys.url}/v1/tasks/claim`, receiver!.token, { warehouseId: sys.wh1, types: ['putaway'] });
    expect(claim.body.id).toBe(taskId);
    const dest = await sqlOne<Pick<LocationRow, 'code'>>(
      em(),
      'select l.code from task t join location l on l.id = t.to_location_id where t.id = ?',
      [taskId],
    );
    const done = JSON.parse(
      (await fireTwiceThenRetry(`/v1/putaway/tasks/${taskId}/confirm`, receiver!.token, { locationScan: dest!.code })).text,
    );
    expect(done.status).toBe('done');
    expect(await count(`select count(*)::int as n from stock_movement where type = 'putaway' and ref_id = ?`, [taskId])).toBe(1);
  });
});

describe('refresh token retried within the grace window', () => {
  it('returns the same new refresh token to concurrent and late retries, and the family stays usable', async () => {
    await sys.user('dblrefresh', ['picker'], [sys.wh1], { password: 'pw-dblrefresh' });
    const login = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'dblrefresh', password: 'pw-dblrefresh' } });
    const rt = login.body.refreshToken;
    const [a, b] = await Promise.all([
      http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: rt } }),
      http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: rt } }),
    ]);
    const c = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: rt } });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.body.refreshToken, b.body.refreshToken, c.body.refreshToken]).size).toBe(1);
    const next = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: a.body.refreshToken } });
    expect(next.status).toBe(200);
    expect(
      await count(
        `select count(*)::int as n from refresh_token where revoked_at is not null and user_id = (select id from app_user where username = 'dblrefresh')`,
        [],
      ),
    ).toBe(0);
  });
});
