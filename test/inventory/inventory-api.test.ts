import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGs1, gs1CheckDigit } from '../../domain/scanning/index.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

type LastMoveAtRow = { t: string };
let sys: TestSystem;
let sup: TestUser;
/** The global catalog is written by admins only (any warehouse's supervisor could otherwise change every warehouse's SKUs). */
let catalogAdmin: TestUser;
let picker: TestUser;
let other: TestUser;
const gtin13 = (n: number) => {
  const b = `87${String(n).padStart(10, '0')}`;
  return b + gs1CheckDigit(b);
};

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup-inv', ['supervisor'], [sys.wh1]);
  catalogAdmin = await sys.user('sup-inv-catalog', ['admin'], []);
  picker = await sys.user('picker-inv', ['picker', 'receiver'], [sys.wh1]);
  other = await sys.user('sup-wh2', ['supervisor'], [sys.wh2]);
});
afterAll(async () => sys?.close());

const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

async function sku(code: string, o: { trackLot?: boolean; trackExpiry?: boolean; minStockQty?: number } = {}) {
  const r = await api('PUT', `/catalog/skus/${code}`, catalogAdmin.token, {
    name: `Item ${code}`,
    nameI18n: { de: `Artikel ${code}` },
    lengthMm: 100,
    widthMm: 50,
    heightMm: 20,
    weightG: 120,
    trackLot: !!o.trackLot,
    trackExpiry: !!o.trackExpiry,
    shelfLifeDays: o.trackExpiry ? 180 : null,
    minStockQty: o.minStockQty ?? 0,
    uoms: [
      { level: 'each', qtyEach: 1, gtin: gtin13(Number(code.replace(/\D/g, '')) || 1) },
      {
        level: 'case',
        qtyEach: 24,
        gtin: `1${gtin13(Number(code.replace(/\D/g, '')) || 1).slice(0, 12)}${gs1CheckDigit(`1${gtin13(Number(code.replace(/\D/g, '')) || 1).slice(0, 12)}`)}`,
      },
    ],
  });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; code: string };
}

describe('layout', () => {
  it('creates a rack run from a pattern, lists it paginated, prints labels and scopes warehouses', async () => {
    const run = await api('POST', `/warehouses/${sys.wh1}/locations/rack-run`, sup.token, {
      pattern: 'A-01..20-01..05-01..04',
      aisleXMm: 5000,
    });
    expect(run.status, run.text).toBe(201);
    expect(run.body).toEqual({ count: 400, first: 'A-01-01-01', last: 'A-20-05-04' });
    const again = await api('POST', `/warehouses/${sys.wh1}/locations/rack-run`, sup.token, { pattern: 'A-01..02-01-01' });
    expect(again.status).toBe(409);
    const p1 = await api('GET', `/warehouses/${sys.wh1}/locations?aisle=A&limit=150`, picker.token);
    expect(p1.body.items).toHaveLength(150);
    const p3 = await api(
      'GET',
      `/warehouses/${sys.wh1}/locations?aisle=A&limit=150&cursor=${(await api('GET', `/warehouses/${sys.wh1}/locations?aisle=A&limit=150&cursor=${p1.body.nextCursor}`, picker.token)).body.nextCursor}`,
      picker.token,
    );
    expect(p3.body.items).toHaveLength(100);
    expect(p3.body.nextCursor).toBeNull();
    const svg = await fetch(`${sys.url}/v1/warehouses/${sys.wh1}/locations/A-01-02-03/label?format=svg`, {
      headers: { authorization: `Bearer ${picker.token}` },
    });
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    const png = await fetch(`${sys.url}/v1/warehouses/${sys.wh1}/locations/A-01-02-03/label?format=png`, {
      headers: { authorization: `Bearer ${picker.token}` },
    });
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect((await api('GET', `/warehouses/${sys.wh1}/locations`, other.token)).status).toBe(404);
    expect((await api('POST', `/warehouses/${sys.wh1}/locations/rack-run`, sup.token, { pattern: 'A-20..01' })).body.type).toContain(
      'invalid-pattern',
    );
  });
});

describe('stock, holds, LPNs, replay and scans', () => {
  it('replays the ledger to a past moment and reproduces the balances of that moment', async () => {
    const s = await sku('REPLAY-1001');
    const locs = (await api('GET', `/warehouses/${sys.wh1}/locations?prefix=A-01-01&limit=4`, picker.token)).body.items;
    const mv = (body: object) => api('POST', '/stock/movements', picker.token, { warehouseId: sys.wh1, skuId: s.id, ...body });
    await mv({ type: 'receipt', reasonCode: 'initial-stock', qty: 40, to: { locationId: locs[0].id } });
    await mv({ type: 'putaway', qty: 15, from: { locationId: locs[0].id }, to: { locationId: locs[1].id } });
    const snapshot = (await api('GET', `/stock/balances?warehouseId=${sys.wh1}&skuId=${s.id}&includeZero=true`, picker.token)).body.items
      .map((b: any) => ({ balanceId: b.id, onHand: b.onHand }))
      .filter((b: any) => b.onHand > 0)
      .sort((a: any, b: any) => a.balanceId.localeCompare(b.balanceId));
    const [{ t }] = await sql<LastMoveAtRow>(
      sys.rt.orm.em.fork(),
      `select to_char(max(created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t from stock_movement where sku_id = ?`,
      [s.id],
    );
    await new Promise((r) => setTimeout(r, 20));
    await mv({ type: 'pick', qty: 5, from: { locationId: locs[1].id } });
    await mv({ type: 'move', qty: 25, from: { locationId: locs[0].id }, to: { locationId: locs[2].id } });
    const asOf = await api('GET', `/stock/as-of?warehouseId=${sys.wh1}&skuId=${s.id}&at=${encodeURIComponent(t!)}`, picker.token);
    expect(asOf.status, asOf.text).toBe(200);
    expect(
      asOf.body.items
        .map((b: any) => ({ balanceId: b.balanceId, onHand: b.onHand }))
        .sort((a: any, b: any) => a.balanceId.localeCompare(b.balanceId)),
    ).toEqual(snapshot);
    const now = await api(
      'GET',
      `/stock/as-of?warehouseId=${sys.wh1}&skuId=${s.id}&at=${new Date(Date.now() + 60_000).toISOString()}`,
      picker.token,
    );
    const current = (await api('GET', `/stock/balances?warehouseId=${sys.wh1}&skuId=${s.id}`, picker.token)).body.items;
    expect(now.body.items.map((b: any) => b.onHand).sort()).toEqual(current.map((b: any) => b.onHand).sort());
    const hist = await api('GET', `/stock/movements?warehouseId=${sys.wh1}&skuId=${s.id}&limit=2`, picker.token);
    expect(hist.body.items.map((m: any) => m.type)).toEqual(['move', 'pick']);
    const hist2 = await api(
      'GET',
      `/stock/movements?warehouseId=${sys.wh1}&skuId=${s.id}&limit=2&cursor=${hist.body.nextCursor}`,
      picker.token,
    );
    expect(hist2.body.items.map((m: any) => m.type)).toEqual(['putaway', 'receipt']);
  });

  it('holds a lot everywhere in one command (recall), releasing its reservations, and lifts it again', async () => {
    const s = await sku('RECALL-2002', { trackLot: true, trackExpiry: true });
    const locs = (await api('GET', `/warehouses/${sys.wh1}/locations?prefix=A-02-01&limit=3`, picker.token)).body.items;
    for (const [i, lot] of ['BAD', 'BAD', 'GOOD'].entries()) {
      const r = await api('POST', '/stock/movements', picker.token, {
        warehouseId: sys.wh1,
        skuId: s.id,
        type: 'receipt',
        reasonCode: 'initial-stock',
        qty: 10,
        to: { locationId: locs[i].id, lot, expiry: '2030-01-31' },
      });
      expect(r.status, r.text).toBe(201);
    }
    const res = await api('POST', '/stock/reservations', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      qty: 15,
      refType: 'order_line',
      refId: 'recall-line',
    });
    expect(res.body.reservations.map((r: any) => r.lot).sort()).toEqual(['BAD', 'BAD']);
    const hold = await api('POST', '/stock/holds', sup.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      lot: 'BAD',
      reason: 'supplier recall R-17',
    });
    expect(hold.status, hold.text).toBe(201);
    expect(hold.body).toMatchObject({ balances: 2, qty: 20, releasedReservations: 2 });
    const byStatus = (await api('GET', `/stock/by-sku?warehouseId=${sys.wh1}&skuId=${s.id}`, picker.token)).body.items[0];
    expect(byStatus).toMatchObject({ onHand: 30, reserved: 0, available: 10, quarantined: 20 });
    const short = await api('POST', '/stock/reservations', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      qty: 11,
      refType: 'order_line',
      refId: 'x',
    });
    expect(short.status).toBe(409);
    // A returned unit of the held lot lands in quarantine.
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'return',
      reasonCode: 'customer-return',
      qty: 1,
      to: { locationId: locs[2].id, lot: 'BAD', expiry: '2030-01-31' },
    });
    expect(
      (await api('GET', `/stock/balances?warehouseId=${sys.wh1}&skuId=${s.id}&status=quarantine`, picker.token)).body.items,
    ).toHaveLength(3);
    expect((await api('POST', '/stock/holds', picker.token, { warehouseId: sys.wh1, skuId: s.id, reason: 'x' })).status).toBe(403);
    const lift = await api('POST', `/stock/holds/${hold.body.hold.id}/release`, sup.token);
    expect(lift.body).toMatchObject({ balances: 3, qty: 21 });
    expect((await api('GET', `/stock/by-sku?warehouseId=${sys.wh1}&skuId=${s.id}`, picker.token)).body.items[0]).toMatchObject({
      available: 31,
      quarantined: 0,
    });
    expect(await ledgerMismatches(sys.rt.orm.em.fork(), sys.wh1)).toEqual([]);
  });

  it('nests license plates and moves a pallet with its cartons as one', async () => {
    const s = await sku('LPN-3003');
    const [dock, rack] = (await api('GET', `/warehouses/${sys.wh1}/locations?prefix=A-03-01&limit=2`, picker.token)).body.items;
    const pallet = (await api('POST', '/lpns', picker.token, { warehouseId: sys.wh1, type: 'pallet', locationId: dock.id })).body;
    const carton = (await api('POST', '/lpns', picker.token, { warehouseId: sys.wh1, type: 'carton', parentId: pallet.id })).body;
    expect(pallet.code).toMatch(/^LPN\d+$/);
    expect(carton.locationId).toBe(dock.id);
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'receipt',
      reasonCode: 'initial-stock',
      qty: 12,
      to: { locationId: dock.id, lpnId: carton.id },
    });
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'receipt',
      reasonCode: 'initial-stock',
      qty: 30,
      to: { locationId: dock.id, lpnId: pallet.id },
    });
    const moved = await api('POST', `/lpns/${pallet.id}/move`, picker.token, { toLocationId: rack.id, type: 'putaway' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.movements).toBe(2);
    const contents = await api('GET', `/lpns/${pallet.id}`, picker.token);
    expect(contents.body.children.map((c: any) => [c.code, c.locationId])).toEqual([[carton.code, rack.id]]);
    expect(contents.body.balances.map((b: any) => [b.lpnCode, b.locationId, b.onHand]).sort()).toEqual(
      [
        [carton.code, rack.id, 12],
        [pallet.code, rack.id, 30],
      ].sort(),
    );
    expect((await api('POST', `/lpns/${pallet.id}/nest`, picker.token, { parentId: carton.id })).body.type).toContain('lpn-cycle');
    const scan = await api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw: pallet.code });
    expect(scan.body.match).toMatchObject({ kind: 'lpn', lpn: { id: pallet.id } });
    expect(scan.body.match.stock).toHaveLength(2);
  });

  it('parses scans with problem+json reasons and resolves GTINs, case GTINs, locations and SKU codes with stock', async () => {
    const s = await sku('SCAN-4004', { trackLot: true, trackExpiry: true, minStockQty: 100 });
    const loc = (await api('GET', `/warehouses/${sys.wh1}/locations/A-04-01-01`, picker.token)).body;
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'receipt',
      reasonCode: 'initial-stock',
      qty: 7,
      to: { locationId: loc.id, lot: 'L42', expiry: '2026-12-01' },
    });
    const g = gtin13(4004);
    const parsed = await api('POST', '/scans/parse', picker.token, {
      raw: encodeGs1(
        [
          ['01', `0${g}`],
          ['17', '261201'],
          ['10', 'L42'],
        ],
        { symbology: ']C1' },
      ),
    });
    expect(parsed.status, parsed.text).toBe(200);
    expect(parsed.body).toMatchObject({ kind: 'gs1', gtin: `0${g}`, lot: 'L42', expiry: '2026-12-01' });
    const bad = await api('POST', '/scans/parse', picker.token, { raw: `]C101${`0${g}`.slice(0, 13)}${(Number(g.at(-1)) + 1) % 10}` });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.type).toBe('https://dockside.dev/problems/scan-bad-check-digit');
    expect(bad.body.detail).toMatch(/check digit/i);
    const r1 = await api('POST', '/scans/resolve', picker.token, {
      warehouseId: sys.wh1,
      raw: encodeGs1(
        [
          ['01', `0${g}`],
          ['10', 'L42'],
        ],
        { symbology: ']C1' },
      ),
    });
    expect(r1.body.match).toMatchObject({
      kind: 'sku',
      sku: { code: 'SCAN-4004', uomLevel: 'each', qtyEach: 1 },
      totals: { onHand: 7, available: 7 },
    });
    expect(r1.body.match.stock[0]).toMatchObject({ locationCode: 'A-04-01-01', lot: 'L42', onHand: 7 });
    const caseGtin = (await api('GET', '/catalog/skus/SCAN-4004', picker.token)).body.uoms.find((u: any) => u.level === 'case').gtin;
    expect((await api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw: caseGtin })).body.match.sku).toMatchObject({
      uomLevel: 'case',
      qtyEach: 24,
    });
    expect((await api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw: 'A-04-01-01' })).body.match).toMatchObject({
      kind: 'location',
      location: { code: 'A-04-01-01' },
    });
    expect((await api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw: 'SCAN-4004' })).body.match.kind).toBe('sku');
    expect((await api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw: 'NOTHING-HERE' })).body.match).toEqual({
      kind: 'none',
      stock: [],
    });
    expect((await api('POST', '/scans/resolve', other.token, { warehouseId: sys.wh1, raw: 'A-04-01-01' })).status).toBe(404);
    const low = await api('GET', `/stock/low?warehouseId=${sys.wh1}`, picker.token);
    expect(low.body.items.find((i: any) => i.skuCode === 'SCAN-4004')).toMatchObject({ available: 7, shortQty: 93 });
    const near = await api('GET', `/stock/near-expiry?warehouseId=${sys.wh1}&withinDays=3650`, picker.token);
    expect(near.body.items.some((b: any) => b.skuCode === 'SCAN-4004' && b.expiry === '2026-12-01')).toBe(true);
  });
});

describe('cycle counts', () => {
  it('runs a blind count, recounts over tolerance, needs approval, adjusts through the ledger and reports accuracy', async () => {
    const s = await sku('COUNT-5005');
    const [l1, l2] = (await api('GET', `/warehouses/${sys.wh1}/locations?prefix=A-05-01&limit=2`, picker.token)).body.items;
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'receipt',
      reasonCode: 'initial-stock',
      qty: 50,
      to: { locationId: l1.id },
    });
    await api('POST', '/stock/movements', picker.token, {
      warehouseId: sys.wh1,
      skuId: s.id,
      type: 'receipt',
      reasonCode: 'initial-stock',
      qty: 20,
      to: { locationId: l2.id },
    });
    const created = await api('POST', '/counts', sup.token, { warehouseId: sys.wh1, kind: 'sku', skuId: s.id, blind: true });
    expect(created.status, created.text).toBe(201);
    expect(created.body.items).toHaveLength(2);
    const t1 = created.body.items.find((t: any) => t.locationId === l1.id);
    const t2 = created.body.items.find((t: any) => t.locationId === l2.id);
    const seen = await api('GET', `/counts/${t1.id}`, picker.token);
    expect(seen.body.expected).toBeUndefined(); // blind for the counter
    expect((await api('GET', `/counts/${t1.id}`, sup.token)).body.expected[0].qty).toBe(50);
    // Within tolerance (1 unit): posts right away.
    const c2 = await api('POST', `/counts/${t2.id}/submit`, picker.token, { lines: [{ skuId: s.id, qty: 19 }] });
    expect(c2.body.status).toBe('completed');
    // Over tolerance: recount, then approval.
    const r1 = await api('POST', `/counts/${t1.id}/submit`, picker.token, { lines: [{ skuId: s.id, qty: 40 }] });
    expect(r1.body).toMatchObject({ status: 'recount', round: 2 });
    const r2 = await api('POST', `/counts/${t1.id}/submit`, picker.token, { lines: [{ skuId: s.id, qty: 42 }] });
    expect(r2.body.status).toBe('pending_approval');
    expect((await api('POST', `/counts/${t1.id}/approve`, picker.token, { approve: true })).status).toBe(403);
    const ap = await api('POST', `/counts/${t1.id}/approve`, sup.token, { approve: true });
    expect(ap.body.status).toBe('completed');
    const stock = (await api('GET', `/stock/by-sku?warehouseId=${sys.wh1}&skuId=${s.id}`, picker.token)).body.items[0];
    expect(stock.onHand).toBe(42 + 19);
    const moves = (await api('GET', `/stock/movements?warehouseId=${sys.wh1}&skuId=${s.id}&type=count`, picker.token)).body.items;
    expect(moves.map((m: any) => m.qty).sort()).toEqual([1, 8]);
    const kpi = await api('GET', `/counts/accuracy?warehouseId=${sys.wh1}`, sup.token);
    expect(kpi.body).toMatchObject({ tasks: 2, records: 2, exactRecords: 0, recordAccuracyPct: 0 });
    expect(await ledgerMismatches(sys.rt.orm.em.fork(), sys.wh1)).toEqual([]);
  });
});
