/**
 * Pack sessions are leased (issue 16: "leases and timeouts cover every long-running state"): the packer who
 * opened one keeps it while they scan; another packer is told who has it; once the holder goes quiet past the
 * lease, the sweep frees it and the next packer takes it over, and the first packer's late scan is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseExpiredPackLeases } from '../../domain/packing/pack-lease.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor, itemScanFor, type FloorFixture } from '../floor/fixture.js';
import { bulkUsers, call, pickWholeTask, type BulkUser } from '../floor/support.js';

import type { PackSessionRow } from '../../domain/packing/entities/pack-session.entity.js';
import type { OrderLogRow } from '../../domain/orders/entities/order-log.entity.js';

type LeaseRow = Pick<PackSessionRow, 'packer_id' | 'station_code'> & { live: boolean };
let sys: TestSystem;
let fx: FloorFixture;
let sup: BulkUser;
let picker: BulkUser;
let anna: BulkUser;
let ben: BulkUser;
const em = () => sys.rt.orm.em.fork();
const tote = 'LEASE-TOTE-1';

beforeAll(async () => {
  sys = await startTestSystem();
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 1, skus: 6, seed: 5, prefix: 'PL' }));
  [sup] = await bulkUsers(sys, 'plsup', 1, ['supervisor']);
  [picker] = await bulkUsers(sys, 'plpick', 1, ['picker']);
  [anna, ben] = await bulkUsers(sys, 'plpack', 2, ['packer']);
  const w = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup!.token, {
    orderIds: fx.orderIds,
    pickMode: 'discrete',
    release: true,
  });
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  const t = await call('POST', `${sys.url}/v1/tasks/claim`, picker!.token, { warehouseId: sys.wh1, types: ['pick'] });
  const skus = new Map(fx.skus.map((s) => [s.id, s]));
  await pickWholeTask(
    sys.url,
    picker!.token,
    t.body,
    (l) => itemScanFor(skus.get(l.skuId)!, l.lot),
    () => tote,
  );
}, 240_000);
afterAll(() => sys?.close());

const start = (who: BulkUser, station: string) =>
  call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/pack-sessions`, who.token, { stationCode: station, toteScan: tote });
const expire = (id: string) => sql(em(), `update pack_session set lease_expires_at = now() - interval '1 second' where id = ?`, [id]);

describe('pack session leases', () => {
  let sessionId: string;
  let firstItem: { skuId: string; qtyExpected: number };

  it('keeps the session with the packer who opened it and tells another packer who has it', async () => {
    const a = await start(anna!, 'PS-A');
    expect(a.status).toBe(200);
    sessionId = a.body.id;
    firstItem = a.body.items[0];
    const again = await start(anna!, 'PS-A');
    expect([again.status, again.body.id]).toEqual([200, sessionId]);
    const b = await start(ben!, 'PS-B');
    expect(b.status).toBe(409);
    expect(b.body.type).toContain('pack-session-held');
    expect(b.body.detail).toContain('PS-A');
    expect(b.body.holder).toBe('plpack 1'); // the holder's display name, as the packer knows them
    const v = await call('POST', `${sys.url}/v1/pack-sessions/${sessionId}/verify`, ben!.token, {
      itemScan: fx.skus.find((s) => s.id === firstItem.skuId)!.gtin13,
      qty: 1,
    });
    expect(v.status).toBe(409);
    expect(v.body.type).toContain('pack-session-held');
  });

  it('frees a session walked away from once its lease ran out, and the next packer takes it over', async () => {
    await expire(sessionId);
    expect(await withTx(sys.rt.orm.em, (tx) => releaseExpiredPackLeases(tx))).toEqual([sessionId]);
    expect(await withTx(sys.rt.orm.em, (tx) => releaseExpiredPackLeases(tx))).toEqual([]); // once
    const b = await start(ben!, 'PS-B');
    expect([b.status, b.body.id]).toEqual([200, sessionId]);
    const row = await sqlOne<LeaseRow>(
      em(),
      'select packer_id, station_code, lease_expires_at > now() as live from pack_session where id = ?',
      [sessionId],
    );
    expect(row).toEqual({ packer_id: ben!.id, station_code: 'PS-B', live: true });
    const late = await call('POST', `${sys.url}/v1/pack-sessions/${sessionId}/verify`, anna!.token, {
      itemScan: fx.skus.find((s) => s.id === firstItem.skuId)!.gtin13,
      qty: 1,
    });
    expect(late.status).toBe(409);
    const log = await sql<Pick<OrderLogRow, 'action'>>(em(), `select action from order_log where starts_with(action, 'pack_') order by id`);
    expect(log.map((l) => l.action)).toEqual(['pack_lease_expired']);
  });

  it('lets a supervisor take over a live session at once', async () => {
    const s = await start(sup!, 'PS-SUP');
    expect([s.status, s.body.id]).toEqual([200, sessionId]);
    const row = await sqlOne<Pick<PackSessionRow, 'packer_id'>>(em(), 'select packer_id from pack_session where id = ?', [sessionId]);
    expect(row!.packer_id).toBe(sup!.id);
  });
});
