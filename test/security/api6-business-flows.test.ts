import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { makeLocation, makeSku } from '../inventory/fixtures.js';
import type { AuditDetailsRow } from '../harness/rows.js';

import type { AuditLogRow } from '../../domain/identity/entities/audit-log.entity.js';
import type { CountRow } from '../../domain/shared/rows.js';

type AuditEntryRow = Pick<AuditLogRow, 'actor_id' | 'object_id'> & AuditDetailsRow;
/**
 * OWASP API6:2023 Unrestricted Access to Sensitive Business Flows. On a warehouse floor the sensitive flows are the
 * ones that make stock appear or vanish outside a process (receipt, adjust, scrap), and freeing stock promised to
 * someone else (releasing reservations): each needs the role that answers for it, a reason code, and an audit entry,
 * so a counter cannot post the difference a supervisor has not approved.
 */
let sys: TestSystem;
let sup: TestUser;
let picker: TestUser;
let receiver: TestUser;
let packer: TestUser;
let skuId: string;
let loc: string;
let loc2: string;

const mv = (token: string, body: Record<string, unknown>) =>
  http('POST', `${sys.url}/v1/stock/movements`, { token, body: { warehouseId: sys.wh1, skuId, qty: 5, ...body } });
const audits = (action: string) =>
  sql<AuditEntryRow>(sys.rt.orm.em.fork(), 'select actor_id, object_id, details from audit_log where action = ?', [action]);
const onHand = async () =>
  (await sqlOne<CountRow>(sys.rt.orm.em.fork(), 'select coalesce(sum(on_hand), 0)::int as n from stock_balance where sku_id = ?', [skuId]))!
    .n;

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('api6-sup', ['supervisor'], [sys.wh1]);
  picker = await sys.user('api6-picker', ['picker'], [sys.wh1]);
  receiver = await sys.user('api6-receiver', ['receiver'], [sys.wh1]);
  packer = await sys.user('api6-packer', ['packer'], [sys.wh1]);
  const em = sys.rt.orm.em.fork();
  skuId = (await makeSku(em)).id;
  loc = (await makeLocation(em, sys.wh1, { type: 'reserve' })).id;
  loc2 = (await makeLocation(em, sys.wh1, { type: 'reserve' })).id;
});
afterAll(async () => sys?.close());

describe('API6 stock that appears or vanishes by hand', () => {
  it('a receipt needs a receiver or supervisor and a receipt reason code, and is audited with it', async () => {
    for (const u of [picker, packer]) {
      const r = await mv(u.token, { type: 'receipt', reasonCode: 'found', to: { locationId: loc } });
      expect(r.status).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      expect(r.body.detail).toMatch(/receipt movement needs one of the roles: supervisor, receiver/);
    }
    const none = await mv(receiver.token, { type: 'receipt', to: { locationId: loc } });
    expect(none.status).toBe(422);
    expect(none.body.errors[0]).toMatchObject({ path: 'body.reasonCode', message: 'required' });
    const wrong = await mv(receiver.token, { type: 'receipt', reasonCode: 'expired', to: { locationId: loc } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toMatchObject({ path: 'body.reasonCode', message: 'not a receipt reason' });
    expect(await onHand()).toBe(0);
    const ok = await mv(receiver.token, { type: 'receipt', reasonCode: 'found', qty: 50, to: { locationId: loc } });
    expect(ok.status, ok.text).toBe(201);
    expect(await audits('stock.receipt')).toEqual([
      expect.objectContaining({
        actor_id: receiver.id,
        object_id: ok.body.id,
        details: expect.objectContaining({ reasonCode: 'found', qty: 50 }),
      }),
    ]);
  });

  it('adjust and scrap are a supervisor’s: every floor role gets 403 and the stock stays; the supervisor’s carries its reason into the audit log', async () => {
    const before = await onHand();
    for (const u of [picker, packer, receiver])
      for (const type of ['adjust', 'scrap', 'count'] as const) {
        const r = await mv(u.token, { type, reasonCode: 'damaged', from: { locationId: loc } });
        expect(r.status, `${type} by ${u.username}`).toBe(403);
      }
    expect(await onHand()).toBe(before);
    expect((await mv(sup.token, { type: 'scrap', from: { locationId: loc } })).status).toBe(422);
    const scrap = await mv(sup.token, { type: 'scrap', reasonCode: 'damaged', qty: 3, from: { locationId: loc } });
    expect(scrap.status, scrap.text).toBe(201);
    const adjust = await mv(sup.token, { type: 'adjust', reasonCode: 'lost', qty: 2, from: { locationId: loc } });
    expect(adjust.status, adjust.text).toBe(201);
    expect(await onHand()).toBe(before - 5);
    expect((await audits('stock.scrap'))[0]).toMatchObject({
      actor_id: sup.id,
      details: { reasonCode: 'damaged', qty: 3, fromLocationId: loc },
    });
    expect((await audits('stock.adjust'))[0]).toMatchObject({ actor_id: sup.id, details: { reasonCode: 'lost', qty: 2 } });
  });

  it('moves stay open to the floor without a reason code (no write-off, no audit noise)', async () => {
    const r = await mv(picker.token, { type: 'move', qty: 1, from: { locationId: loc }, to: { locationId: loc2 } });
    expect(r.status, r.text).toBe(201);
    expect(await audits('stock.move')).toEqual([]);
  });

  it('an integration key may receive goods but never write stock off', async () => {
    const admin = await sys.user('api6-admin', ['admin'], []);
    const client = await http('POST', `${sys.url}/v1/api-clients`, {
      token: admin.token,
      body: { name: 'erp', scopes: ['inventory:write', 'inventory:read'], warehouseIds: [sys.wh1] },
    });
    expect(client.status, client.text).toBe(201);
    const post = (body: Record<string, unknown>) =>
      http('POST', `${sys.url}/v1/stock/movements`, {
        headers: { 'x-api-key': client.body.apiKey },
        body: { warehouseId: sys.wh1, skuId, qty: 1, ...body },
      });
    expect((await post({ type: 'scrap', reasonCode: 'damaged', from: { locationId: loc } })).status).toBe(403);
    expect((await post({ type: 'adjust', reasonCode: 'lost', from: { locationId: loc } })).status).toBe(403);
    const receipt = await post({ type: 'receipt', reasonCode: 'supplier-delivery', to: { locationId: loc } });
    expect(receipt.status, receipt.text).toBe(201);
  });
});

describe('API6 releasing stock promised to someone else', () => {
  it('only a supervisor releases reservations, with a reason code, audited; a picker gets 403 and the promise holds', async () => {
    const ref = randomUUID();
    const res = await http('POST', `${sys.url}/v1/stock/reservations`, {
      token: sup.token,
      body: { warehouseId: sys.wh1, skuId, qty: 4, refType: 'order', refId: ref },
    });
    expect(res.status, res.text).toBe(201);
    const ids = res.body.reservations.map((r: { id: string }) => r.id);
    const byPicker = await http('POST', `${sys.url}/v1/stock/reservations/release`, {
      token: picker.token,
      body: { reservationIds: ids, reasonCode: 'reallocate' },
    });
    expect(byPicker.status).toBe(403);
    const noReason = await http('POST', `${sys.url}/v1/stock/reservations/release`, { token: sup.token, body: { reservationIds: ids } });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('reasonCode');
    const pending = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select count(*)::int as n from stock_reservation where ref_id = ? and status = 'pending'`,
      [ref],
    );
    expect(pending!.n).toBe(ids.length);
    const ok = await http('POST', `${sys.url}/v1/stock/reservations/release`, {
      token: sup.token,
      body: { refType: 'order', refId: ref, reasonCode: 'order-cancelled' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.released.sort()).toEqual([...ids].sort());
    expect((await audits('stock.reservations_released'))[0]).toMatchObject({
      actor_id: sup.id,
      object_id: `order:${ref}`,
      details: { reasonCode: 'order-cancelled' },
    });
  });

  it('consuming a reservation cannot write stock off (type scrap/adjust refused)', async () => {
    const res = await http('POST', `${sys.url}/v1/stock/reservations`, {
      token: picker.token,
      body: { warehouseId: sys.wh1, skuId, qty: 1, refType: 'task', refId: randomUUID() },
    });
    expect(res.status, res.text).toBe(201);
    const id = res.body.reservations[0].id;
    const r = await http('POST', `${sys.url}/v1/stock/reservations/${id}/consume`, {
      token: picker.token,
      body: { qty: 1, to: { locationId: loc2 }, type: 'scrap' },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('type');
  });
});
