import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../domain/scanning/index.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { LocationRow } from '../../domain/layout/entities/location.entity.js';
import type { StockMovementRow } from '../../domain/inventory/entities/stock-movement.entity.js';
let sys: TestSystem;
let sup: TestUser;
/** The global catalog is written by admins only (any warehouse's supervisor could otherwise change every warehouse's SKUs). */
let catalogAdmin: TestUser;
let receiver: TestUser;
const loc: Record<string, string> = {};
const gtin = (n: number) => {
  const b = `87654321${String(n).padStart(4, '0')}`;
  return b + gs1CheckDigit(b);
};
const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup-put', ['supervisor'], [sys.wh1]);
  catalogAdmin = await sys.user('sup-put-catalog', ['admin'], []);
  receiver = await sys.user('rcv-put', ['receiver'], [sys.wh1]);
  const em = sys.rt.orm.em.fork();
  const zone = async (code: string, temp: string, hazmat = false) =>
    (await sqlOne<IdRow>(
      em,
      'insert into zone (warehouse_id, code, name, temperature_class, hazmat_allowed) values (?, ?, ?, ?, ?) returning id',
      [sys.wh1, code, code, temp, hazmat],
    ))!.id;
  const amb = await zone('AMB', 'ambient');
  const frz = await zone('FRZ', 'frozen');
  const add = async (code: string, type: string, zoneId: string | null, o: { x?: number; golden?: boolean; maxVolume?: number } = {}) => {
    loc[code] = (await sqlOne<IdRow>(
      em,
      `insert into location (warehouse_id, zone_id, code, type, x_mm, golden_zone, max_volume_mm3) values (?, ?, ?, ?, ?, ?, ?) returning id`,
      [sys.wh1, zoneId, code, type, o.x ?? 0, o.golden ?? false, o.maxVolume ?? null],
    ))!.id;
  };
  await add('DOCK-A', 'dock', null);
  await add('PF-GOLD', 'pick_face', amb, { x: 5_000, golden: true });
  await add('R-SMALL', 'reserve', amb, { x: 1_000, maxVolume: 10 * 1_000_000 });
  await add('R-BIG', 'reserve', amb, { x: 20_000 });
  await add('F-01', 'reserve', frz, { x: 30_000 });
  for (const [i, s] of [
    ['FAST-1', 'ambient', 'A'],
    ['ICE-1', 'frozen', 'C'],
  ].entries()) {
    const r = await api('PUT', `/catalog/skus/${s[0]}`, catalogAdmin.token, {
      name: s[0],
      lengthMm: 100,
      widthMm: 100,
      heightMm: 100,
      weightG: 500,
      storageCondition: s[1],
      uoms: [{ level: 'each', qtyEach: 1, gtin: gtin(i + 1) }],
    });
    expect(r.status, r.text).toBe(201);
    await sql(em, 'update sku set velocity_class = ? where code = ?', [s[2], s[0]]);
  }
});
afterAll(async () => sys?.close());

describe('putaway', () => {
  it('proposes by the rules, confirms by location scan, refuses a wrong scan with problem+json and audits an override', async () => {
    const asn = await api('POST', '/inbound/asns', sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-PUT-1',
      supplier: { name: 'Putaway Supplier' },
      lines: [
        { sku: 'FAST-1', qty: 10 },
        { sku: 'ICE-1', qty: 4 },
      ],
    });
    expect(asn.status, asn.text).toBe(201);
    const fast = await api('POST', `/inbound/asns/${asn.body.id}/receive`, receiver.token, { raw: gtin(1), qty: 10 });
    const ice = await api('POST', `/inbound/asns/${asn.body.id}/receive`, receiver.token, { raw: gtin(2), qty: 4 });
    expect(fast.body.putawayTaskIds).toHaveLength(1);
    const em = sys.rt.orm.em.fork();
    const dest = async (taskId: string) =>
      (await sqlOne<Pick<LocationRow, 'code'>>(em, 'select l.code from task t join location l on l.id = t.to_location_id where t.id = ?', [
        taskId,
      ]))!.code;
    expect(await dest(fast.body.putawayTaskIds[0])).toBe('PF-GOLD'); // fast mover, golden zone
    expect(await dest(ice.body.putawayTaskIds[0])).toBe('F-01'); // frozen never to ambient

    const claim = await api('POST', '/tasks/claim', receiver.token, { warehouseId: sys.wh1, types: ['putaway'] });
    expect(claim.status, claim.text).toBe(200);
    const taskId = claim.body.id;
    const isFast = taskId === fast.body.putawayTaskIds[0];
    const confirm = (body: object) => api('POST', `/putaway/tasks/${taskId}/confirm`, receiver.token, body);

    const wrong = await confirm({ locationScan: 'R-BIG' });
    expect(wrong.status).toBe(422);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body.type).toContain('wrong-location');
    expect(wrong.body.detail).toContain(isFast ? 'PF-GOLD' : 'F-01');
    expect(wrong.body.errors[0].path).toBe('body.locationScan');
    expect((await confirm({ locationScan: 'NOWHERE-9' })).body.type).toContain('unknown-location');
    const breaks = await confirm({ locationScan: isFast ? 'F-01' : 'R-BIG', reason: 'closer' });
    expect(breaks.status).toBe(422);
    expect(breaks.body.type).toContain('putaway-constraint');

    const ok = await confirm({ locationScan: isFast ? 'R-BIG' : 'F-01', reason: 'aisle blocked' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status).toBe('done');
    const moved = await sqlOne<Pick<StockMovementRow, 'to_location_id' | 'qty'>>(
      em,
      `select to_location_id, qty from stock_movement where type = 'putaway' and ref_id = ? and from_location_id = ?`,
      [taskId, loc['DOCK-A']],
    );
    expect(moved).toEqual({ to_location_id: isFast ? loc['R-BIG'] : loc['F-01'], qty: isFast ? 10 : 4 });
    const audits = await sql(em, `select details from audit_log where action = 'putaway.override' and object_id = ?`, [taskId]);
    expect(audits.length).toBe(isFast ? 1 : 0);

    // The other task: scanning the proposed location confirms it.
    const next = await api('POST', '/tasks/claim', receiver.token, { warehouseId: sys.wh1, types: ['putaway'] });
    const nextDest = await dest(next.body.id);
    const done = await api('POST', `/putaway/tasks/${next.body.id}/confirm`, receiver.token, { locationScan: nextDest });
    expect(done.status, done.text).toBe(200);
    const closed = await api('POST', `/inbound/asns/${asn.body.id}/close`, receiver.token);
    expect(closed.body.stockedAt).not.toBeNull();
    expect(closed.body.dockToStockS).toBeGreaterThanOrEqual(0);
    expect(await sqlOne(em, `select 1 from outbox where type = 'asn.stocked' and payload->>'asnId' = ?`, [asn.body.id])).toBeTruthy();
  });

  it('claims the putaway of a scanned pallet or item for one receiver only, with its proposed location', async () => {
    const body = '00123456789';
    const sscc = '0' + body + String(1234).padStart(5, '0');
    const ssccFull = sscc + gs1CheckDigit(sscc);
    const asn = await api('POST', '/inbound/asns', sup.token, {
      warehouseId: sys.wh1,
      reference: 'ASN-PUT-2',
      supplier: { name: 'Putaway Supplier' },
      lines: [
        { sku: 'FAST-1', qty: 6 },
        { sku: 'FAST-1', qty: 12, sscc: ssccFull },
      ],
    });
    expect(asn.status, asn.text).toBe(201);
    const loose = await api('POST', `/inbound/asns/${asn.body.id}/receive`, receiver.token, { raw: gtin(1), qty: 6 });
    const pallet = await api('POST', `/inbound/asns/${asn.body.id}/receive`, receiver.token, { raw: `]C100${ssccFull}` });
    expect(pallet.status, pallet.text).toBe(201);
    expect(loose.body.putawayTaskIds).toHaveLength(1);
    const other = await sys.user('rcv-put-2', ['receiver'], [sys.wh1]);
    const claim = (token: string, scan: string) => api('POST', '/putaway/claim', token, { warehouseId: sys.wh1, scan });

    // Two receivers scan the same item at once: one gets the loose task, the other the one-SKU pallet — never the same task.
    const [a, b] = await Promise.all([claim(receiver.token, gtin(1)), claim(other.token, gtin(1))]);
    expect([a.status, b.status], `${a.text} ${b.text}`).toEqual([200, 200]);
    expect(a.body.task.id).not.toBe(b.body.task.id);
    const byLoose = [a, b].find((r) => r.body.task.id === loose.body.putawayTaskIds[0])!;
    const proposedCode = await sqlOne<Pick<LocationRow, 'code'>>(
      sys.rt.orm.em.fork(),
      'select l.code from task t join location l on l.id = t.to_location_id where t.id = ?',
      [byLoose.body.task.id],
    );
    expect(byLoose.body).toMatchObject({ from: 'DOCK-A', proposed: proposedCode!.code, lpn: null, sku: { code: 'FAST-1' } });
    expect(byLoose.body.task).toMatchObject({ status: 'claimed', type: 'putaway', qty: 6 });
    expect(byLoose.body.why.length).toBeGreaterThan(0);
    const byPallet = [a, b].find((r) => r !== byLoose)!;
    expect(byPallet.body.task.id).toBe(pallet.body.putawayTaskIds[0]);
    expect(byPallet.body.lpn).toBeTruthy();
    // A retried claim by the holder returns the task it holds; nothing is left for a third scan.
    expect((await claim(receiver.token, gtin(1))).body.task.id).toBe(a.body.task.id);
    const third = await sys.user('rcv-put-3', ['receiver'], [sys.wh1]);
    const none = await claim(third.token, gtin(1));
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    // A location is not stock; a bad check digit is named on the field.
    const loc = await claim(third.token, 'R-BIG');
    expect([loc.status, loc.body.type, loc.body.errors[0].path]).toEqual([422, expect.stringContaining('not-putaway-stock'), 'body.scan']);
    const wrongDigit = (Number(gtin(1).at(-1)) + 1) % 10;
    const bad = await claim(third.token, `]C101${'0' + gtin(1).slice(0, 12)}${wrongDigit}`);
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([422, 'body.scan']);
    const empty = await claim(third.token, '');
    expect(empty.status).toBe(400);
    // Both finish by scanning their locations (the pallet to where it was proposed).
    for (const [r, token] of [
      [a, receiver.token],
      [b, other.token],
    ] as const) {
      const done = await api('POST', `/putaway/tasks/${r.body.task.id}/confirm`, token, {
        locationScan: r.body.proposed ?? 'R-BIG',
        ...(r.body.proposed ? {} : { reason: 'no proposal' }),
      });
      expect(done.status, done.text).toBe(200);
    }
  });

  it('enforces location capacity on every ledger move', async () => {
    const sku = (await sqlOne<IdRow>(sys.rt.orm.em.fork(), `select id from sku where code = 'FAST-1'`))!;
    const mv = (qty: number) =>
      api('POST', '/stock/movements', sup.token, {
        warehouseId: sys.wh1,
        type: 'receipt',
        reasonCode: 'initial-stock',
        skuId: sku.id,
        qty,
        to: { locationId: loc['R-SMALL'] },
      });
    expect((await mv(8)).status).toBe(201);
    const over = await mv(3); // 8 + 3 litres > 10 litres
    expect(over.status).toBe(409);
    expect(over.body.type).toContain('location-capacity-exceeded');
    expect(over.body.errors[0].path).toBe('to.locationId');
    expect((await mv(2)).status).toBe(201);
  });
});
