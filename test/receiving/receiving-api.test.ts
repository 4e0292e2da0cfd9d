import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import type { AuditDetailsRow, EventPayloadRow } from '../harness/rows.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { StockMovementRow } from '../../domain/inventory/entities/stock-movement.entity.js';
import type { LicensePlateRow } from '../../domain/inventory/entities/license-plate.entity.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';

type ReceivedMoveRow = Pick<StockMovementRow, 'qty' | 'to_status' | 'to_location_id'> & { code: string; lot: string | null; lpn: boolean };
const fx = JSON.parse(readFileSync(new URL('../fixtures/receiving/asn-fixture.json', import.meta.url), 'utf8'));

let sys: TestSystem;
let sup: TestUser;
/** The global catalog is written by admins only (any warehouse's supervisor could otherwise change every warehouse's SKUs). */
let catalogAdmin: TestUser;
let receiver: TestUser;
let stranger: TestUser;
let dockId: string;

const api = (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
  http(method, `${sys.url}/v1${path}`, { token, body, headers });

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup-rcv', ['supervisor'], [sys.wh1]);
  catalogAdmin = await sys.user('sup-rcv-catalog', ['admin'], []);
  receiver = await sys.user('rcv-1', ['receiver'], [sys.wh1]);
  stranger = await sys.user('rcv-wh2', ['receiver'], [sys.wh2]);
  for (const s of fx.skus) {
    const r = await api('PUT', `/catalog/skus/${s.code}`, catalogAdmin.token, {
      name: s.code,
      lengthMm: 100,
      widthMm: 100,
      heightMm: 100,
      weightG: 300,
      trackLot: s.trackLot,
      trackExpiry: s.trackExpiry,
      shelfLifeDays: s.trackExpiry ? 365 : null,
      uoms: [{ level: 'each', qtyEach: 1, gtin: s.each }, ...(s.case ? [{ level: 'case', qtyEach: s.caseQty, gtin: s.case }] : [])],
    });
    expect(r.status, r.text).toBe(201);
    if (s.requiresInspection) {
      const flag = await api('PUT', `/catalog/skus/${s.code}/inspection`, sup.token, { requiresInspection: true, reason: 'fixture QA' });
      expect(flag.status, flag.text).toBe(200);
    }
  }
  const [d] = await sql<IdRow>(
    sys.rt.orm.em.fork(),
    `insert into location (warehouse_id, code, type) values (?, 'DOCK-01', 'dock') returning id`,
    [sys.wh1],
  );
  dockId = d!.id;
  await sql(sys.rt.orm.em.fork(), `insert into location (warehouse_id, code, type) values (?, 'DOCK-02', 'dock'), (?, 'DOCK-03', 'dock')`, [
    sys.wh1,
    sys.wh1,
  ]);
});
afterAll(async () => sys?.close());

describe('inbound ASN contract', () => {
  it('creates an ASN, refuses unknown SKUs naming the field, and scopes by warehouse', async () => {
    const bad = await api('POST', '/inbound/asns', sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-BAD',
      supplier: { name: 'X' },
      lines: [{ sku: 'NOPE', qty: 1 }],
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors[0].path).toBe('body.lines.0.sku');
    const other = await api('POST', '/inbound/asns', stranger.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-X',
      supplier: { name: 'X' },
      lines: [{ sku: 'FX-MUG', qty: 1 }],
    });
    expect(other.status).toBe(404);
  });

  it('receives the fixture ASN by SSCC and GS1 labels: right movements, LPN and discrepancies; a re-sent key receives nothing twice', async () => {
    const created = await api('POST', '/inbound/asns', sup.token, { warehouseId: sys.wh1, dockDoor: 'DOCK-01', ...fx.asn });
    expect(created.status, created.text).toBe(201);
    const asn = created.body;
    expect(asn.status).toBe('expected');
    expect(asn.lines.map((l: any) => [l.sku, l.qtyExpected, l.qtyReceived])).toEqual(fx.asn.lines.map((l: any) => [l.sku, l.qty, 0]));
    expect((await api('GET', `/inbound/asns/${asn.id}`, stranger.token)).status).toBe(404);

    const receive = (body: object, key?: string) =>
      api('POST', `/inbound/asns/${asn.id}/receive`, receiver.token, body, key ? { 'idempotency-key': key } : undefined);

    // The mixed pallet: one scan books both lines into one new LPN carrying the SSCC.
    const pallet = await receive({ raw: fx.scans.pallet }, 'k-pallet');
    expect(pallet.status, pallet.text).toBe(201);
    expect(pallet.body.lpnId).toBeTruthy();
    expect(pallet.body.received.map((r: any) => [r.sku, r.qty, r.lot])).toEqual([
      ['FX-COFFEE', 48, 'L1'],
      ['FX-MUG', 60, null],
    ]);
    const again = await receive({ raw: fx.scans.pallet }, 'k-pallet-2');
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('pallet-already-received');

    // Two coffee case labels (24 each, lot and expiry from the label); the second is re-sent with its key.
    expect((await receive({ raw: fx.scans.coffeeCaseL2 }, 'k-case-1')).status).toBe(201);
    const c2 = await receive({ raw: fx.scans.coffeeCaseL2 }, 'k-case-2');
    const c2retry = await receive({ raw: fx.scans.coffeeCaseL2 }, 'k-case-2');
    expect(c2retry.status).toBe(c2.status);
    expect(c2retry.body).toEqual(c2.body);
    expect(c2.body.received).toEqual([expect.objectContaining({ sku: 'FX-COFFEE', qty: 24, lot: 'L2', expiry: '2027-09-30' })]);

    // GTIN + count: 36 mugs against 30 expected (over), 2 damaged with a photo, 12 of 20 teas (short, held for inspection), an unannounced spoon.
    expect((await receive({ raw: fx.scans.mug, qty: 36 }, 'k-mug')).status).toBe(201);
    expect((await receive({ raw: fx.scans.mug, qty: 2, damaged: true, photoUrl: 'https://photos.example/d1.jpg' }, 'k-dmg')).status).toBe(
      201,
    );
    const tea = await receive({ raw: fx.scans.tea, qty: 12 }, 'k-tea');
    expect(tea.body.received[0].status).toBe('quarantine');
    expect((await receive({ raw: fx.scans.spoon, qty: 5 }, 'k-spoon')).status).toBe(201);
    const stray = await receive({ raw: fx.scans.strangerPallet }, 'k-stray');
    expect(stray.status).toBe(422);
    expect(stray.body.type).toContain('unexpected-pallet');
    expect(stray.body.errors[0].path).toBe('body.raw');

    const em = sys.rt.orm.em.fork();
    const moves = await sql<ReceivedMoveRow>(
      em,
      `select s.code, m.qty, m.to_lot as lot, m.to_status, m.to_lpn_id is not null as lpn, m.to_location_id from stock_movement m join sku s on s.id = m.sku_id
       where m.type = 'receipt' and m.ref_type = 'asn' and m.ref_id = ? and m.from_virtual = 'supplier' order by m.id`,
      [asn.id],
    );
    expect(moves.map((m) => [m.code, m.qty, m.lot, m.to_status, m.lpn])).toEqual([
      ['FX-COFFEE', 48, 'L1', 'available', true],
      ['FX-MUG', 60, null, 'available', true],
      ['FX-COFFEE', 24, 'L2', 'available', false],
      ['FX-COFFEE', 24, 'L2', 'available', false],
      ['FX-MUG', 36, null, 'available', false],
      ['FX-MUG', 2, null, 'damaged', false],
      ['FX-TEA', 12, null, 'quarantine', false],
      ['FX-SPOON', 5, null, 'available', false],
    ]);
    expect(new Set(moves.map((m) => m.to_location_id))).toEqual(new Set([dockId]));
    const [lpn] = await sql<Pick<LicensePlateRow, 'sscc' | 'location_id'>>(em, 'select sscc, location_id from license_plate where id = ?', [
      pallet.body.lpnId,
    ]);
    expect(lpn).toEqual({ sscc: '387123450000000012', location_id: dockId });
    expect(await ledgerMismatches(em, sys.wh1)).toEqual([]);

    const closed = await api('POST', `/inbound/asns/${asn.id}/close`, receiver.token);
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.status).toBe('closed');
    const d = closed.body.discrepancies.map((x: any) => [x.sku, x.kind, x.expected, x.received]);
    expect(d).toEqual([
      ['FX-MUG', 'over', 30, 38],
      ['FX-MUG', 'damaged', 30, 2],
      ['FX-TEA', 'short', 20, 12],
      ['FX-SPOON', 'unexpected', 0, 5],
    ]);
    expect(closed.body.discrepancies[1].photoUrls).toEqual(['https://photos.example/d1.jpg']);
    const [ev] = await sql<EventPayloadRow>(em, `select payload from outbox where type = 'asn.closed' and payload->>'asnId' = ?`, [asn.id]);
    expect(ev!.payload.discrepancies).toHaveLength(4);
    const after = await receive({ raw: fx.scans.spoon, qty: 1 }, 'k-late');
    expect(after.status).toBe(409);
    expect(after.body.type).toContain('asn-closed');
    expect((await api('POST', `/inbound/asns/${asn.id}/close`, receiver.token)).body.discrepancies).toEqual(closed.body.discrepancies);
  });

  it('imports ASNs from CSV all-or-nothing, books dock doors without overlap and books receipts on the purchase order', async () => {
    const csv = (text: string) =>
      fetch(`${sys.url}/v1/inbound/asns/import?warehouseId=${sys.wh1}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'text/csv' },
        body: text,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const po = await api('POST', '/inbound/purchase-orders', sup.token, {
      warehouseId: sys.wh1,
      reference: 'PO-77',
      supplier: { name: 'CSV Supplier' },
      lines: [{ sku: 'FX-SPOON', qty: 10 }],
    });
    expect(po.status, po.text).toBe(201);
    const bad = await csv('reference,supplier,sku,qty\r\nASN-C1,CSV Supplier,FX-SPOON,3\r\nASN-C1,CSV Supplier,FX-SPOON,-1\r\n');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('line 3.qty');
    const good = await csv(
      'reference,supplier,sku,qty,dock_door\r\nASN-C1,CSV Supplier,FX-SPOON,3,DOCK-01\r\nASN-C1,CSV Supplier,FX-MUG,4,DOCK-01\r\nASN-C2,Other,FX-TEA,1,\r\n',
    );
    expect(good.status).toBe(201);
    expect(good.body.asns.map((a: any) => [a.reference, a.lines])).toEqual([
      ['ASN-C1', 2],
      ['ASN-C2', 1],
    ]);
    const list = await api('GET', `/inbound/asns?warehouseId=${sys.wh1}&status=expected&limit=1`, receiver.token);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toBeTruthy();

    const slot = { warehouseId: sys.wh1, dockDoor: 'DOCK-01', startsAt: '2026-12-02T08:00:00Z', endsAt: '2026-12-02T09:00:00Z' };
    expect((await api('POST', '/inbound/appointments', sup.token, { ...slot, asnId: good.body.asns[1].id })).status).toBe(201);
    const clash = await api('POST', '/inbound/appointments', sup.token, {
      ...slot,
      startsAt: '2026-12-02T08:30:00Z',
      endsAt: '2026-12-02T10:00:00Z',
    });
    expect(clash.status).toBe(409);
    expect(clash.body.type).toContain('dock-door-booked');
    expect((await api('GET', `/inbound/asns/${good.body.asns[1].id}`, receiver.token)).body.dockDoor).toBe('DOCK-01');

    const onPo = await api('POST', '/inbound/asns', sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-PO-77',
      poReference: 'PO-77',
      supplier: { name: 'CSV Supplier' },
      lines: [{ sku: 'FX-SPOON', qty: 10 }],
    });
    // The delivery note shows the ASN reference or the PO number, not the id: both find the ASN.
    for (const ref of ['ASN-PO-77', 'PO-77']) {
      const found = await api('GET', `/inbound/asns?warehouseId=${sys.wh1}&ref=${ref}`, receiver.token);
      expect(found.status, found.text).toBe(200);
      expect(found.body.items.map((a: any) => [a.id, a.reference, a.poReference])).toEqual([[onPo.body.id, 'ASN-PO-77', 'PO-77']]);
    }
    expect((await api('GET', `/inbound/asns?warehouseId=${sys.wh1}&ref=PO-78`, receiver.token)).body.items).toEqual([]);
    // Another warehouse's receiver finds nothing of ours by reference either.
    expect((await api('GET', `/inbound/asns?warehouseId=${sys.wh1}&ref=PO-77`, stranger.token)).status).toBe(404);
    const tooLong = await api('GET', `/inbound/asns?warehouseId=${sys.wh1}&ref=${'X'.repeat(81)}`, receiver.token);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.[0]?.path ?? tooLong.body.detail).toContain('ref');
    await api('POST', `/inbound/asns/${onPo.body.id}/receive`, receiver.token, { raw: fx.scans.spoon, qty: 7 });
    await api('POST', `/inbound/asns/${onPo.body.id}/close`, receiver.token);
    const after = await api('GET', `/inbound/purchase-orders/${po.body.id}`, receiver.token);
    expect(after.body.lines[0]).toMatchObject({ qtyOrdered: 10, qtyReceived: 7 });
  });

  it('sets the needs-inspection flag through the API: supervisors only, validated, audited, idempotent', async () => {
    const path = '/catalog/skus/FX-SPOON/inspection';
    const denied = await api('PUT', path, receiver.token, { requiresInspection: true });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    const notBool = await api('PUT', path, sup.token, { requiresInspection: 'yes' });
    expect(notBool.status).toBe(400);
    expect(notBool.body.errors.map((e: any) => e.path)).toContain('body.requiresInspection');
    const extra = await api('PUT', path, sup.token, { requiresInspection: true, holdDays: 3 });
    expect(extra.status).toBe(400);
    const blankReason = await api('PUT', path, sup.token, { requiresInspection: true, reason: '  ' });
    expect(blankReason.status).toBe(400);
    expect(blankReason.body.errors.map((e: any) => e.path)).toContain('body.reason');
    expect((await api('PUT', '/catalog/skus/NO-SUCH-SKU/inspection', sup.token, { requiresInspection: true })).status).toBe(404);

    const on = await api('PUT', path, sup.token, { requiresInspection: true, reason: 'supplier complaint' });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toMatchObject({ sku: 'FX-SPOON', requiresInspection: true, changed: true });
    const again = await api('PUT', path, sup.token, { requiresInspection: true, reason: 'supplier complaint' });
    expect(again.body.changed).toBe(false);
    expect((await api('GET', '/catalog/skus/FX-SPOON', receiver.token)).body.requiresInspection).toBe(true);
    const audit = await sql<AuditDetailsRow>(
      sys.rt.orm.em.fork(),
      `select details from audit_log where action = 'sku.inspection_flag' and object_id = ?`,
      [on.body.skuId],
    );
    expect(audit.map((a) => a.details)).toEqual([{ code: 'FX-SPOON', from: false, to: true, reason: 'supplier complaint' }]);

    // A receipt of the flagged SKU now lands behind a quality hold.
    const asn = await api('POST', '/inbound/asns', sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-INSPECT',
      supplier: { name: 'Spoons Ltd' },
      lines: [{ sku: 'FX-SPOON', qty: 5 }],
    });
    expect(asn.status, asn.text).toBe(201);
    const spoonGtin = fx.skus.find((s: any) => s.code === 'FX-SPOON').each;
    const r = await api('POST', `/inbound/asns/${asn.body.id}/receive`, receiver.token, { raw: spoonGtin, qty: 5, locationId: dockId });
    expect([200, 201]).toContain(r.status);
    const held = await sql<Pick<StockBalanceRow, 'status' | 'on_hand'>>(
      sys.rt.orm.em.fork(),
      `select b.status, b.on_hand from stock_balance b join sku s on s.id = b.sku_id where s.code = 'FX-SPOON' and b.location_id = ? and b.on_hand > 0`,
      [dockId],
    );
    expect(held.map((h) => h.status)).toContain('quarantine');

    const off = await api('PUT', `/catalog/skus/${on.body.skuId}/inspection`, sup.token, { requiresInspection: false });
    expect(off.body).toMatchObject({ requiresInspection: false, changed: true });
  });

  it('lists dock appointments by start time with a cursor: no row skipped or repeated on equal starts, a bad cursor is a 400', async () => {
    const at = (h: number, m = 0) => `2026-12-09T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`;
    for (const [door, h] of [
      ['DOCK-01', 6],
      ['DOCK-02', 6],
      ['DOCK-03', 6],
      ['DOCK-01', 7],
      ['DOCK-02', 8],
    ] as const) {
      const b = await api('POST', '/inbound/appointments', sup.token, {
        warehouseId: sys.wh1,
        dockDoor: door,
        startsAt: at(h),
        endsAt: at(h, 45),
      });
      expect(b.status, b.text).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/inbound/appointments?warehouseId=${sys.wh1}&from=${at(0)}&to=${at(23)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const p = await api('GET', q, receiver.token);
      expect(p.status, p.text).toBe(200);
      expect(p.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.body.items.map((a: any) => `${a.startsAt.slice(11, 16)} ${a.dockDoor}`));
      cursor = p.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['06:00 DOCK-01', '06:00 DOCK-02', '06:00 DOCK-03', '07:00 DOCK-01', '08:00 DOCK-02']);
    expect(pages).toBe(3);
    for (const bad of ['garbage', Buffer.from('["not a date","DOCK-01","x"]').toString('base64url')]) {
      const r = await api('GET', `/inbound/appointments?warehouseId=${sys.wh1}&cursor=${bad}`, receiver.token);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toBe('querystring.cursor');
    }
    const badAsnCursor = await api(
      'GET',
      `/inbound/asns?warehouseId=${sys.wh1}&cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
      receiver.token,
    );
    expect(badAsnCursor.status).toBe(400);
    expect((await api('GET', `/inbound/appointments?warehouseId=${sys.wh1}`, stranger.token)).status).toBe(404);
  });
});
