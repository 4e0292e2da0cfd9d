import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { count, stockSku, waitFor } from './helpers.js';

type ReservedOfRow = { pending: string; allocated: string };
type ReservedSumRow = { reserved: string };
type PutbackEventRow = { payload: { lines: { qty: number }[] } };
let sys: TestSystem;
let sup: TestUser;
let sup2: TestUser;
let other: TestUser;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  sup2 = await sys.user('sup2', ['supervisor'], [sys.wh1]);
  other = await sys.user('other', ['supervisor'], [sys.wh2]);
});
afterAll(async () => sys?.close());

const body = (externalId: string, lines: { sku: string; qty: number }[], extra: Record<string, unknown> = {}) => ({
  warehouseId: sys.wh1,
  externalId,
  currency: 'EUR',
  customer: { email: 'zoë@example.com', name: 'Zoë Ørsted' },
  shipTo: { name: 'Zoë Ørsted', address1: 'Ågade 1', city: 'København', postcode: '2100', country: 'DK', phone: '+45 12 34 56 78' },
  lines: lines.map((l) => ({ ...l, unitPriceMinor: 1000 })),
  ...extra,
});
const post = (b: unknown, key: string | undefined, token = sup.token) =>
  http('POST', `${sys.url}/v1/orders`, { token, body: b, headers: key ? { 'idempotency-key': key } : {} });
const order = async (id: string) => (await http('GET', `${sys.url}/v1/orders/${id}`, { token: sup.token })).body;

describe('POST /v1/orders with Idempotency-Key', () => {
  it('requires the key', async () => {
    const r = await post(body('K-0', [{ sku: 'X', qty: 1 }]), undefined);
    expect(r.status).toBe(400);
    expect(r.body.type).toContain('idempotency-key-missing');
  });

  it('replays the same response for the same key and body, 422 for a different body', async () => {
    await stockSku(sys, sys.wh1, 'MUG-BLUE', 100);
    const key = randomUUID();
    const first = await post(body('K-1', [{ sku: 'MUG-BLUE', qty: 2 }]), key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ externalId: 'K-1', status: 'pending', outcome: 'created' });
    for (let i = 0; i < 5; i++) {
      const again = await post(body('K-1', [{ sku: 'MUG-BLUE', qty: 2 }]), key);
      expect(again.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    }
    const changed = await post(body('K-1', [{ sku: 'MUG-BLUE', qty: 3 }]), key);
    expect(changed.status).toBe(422);
    expect(changed.body.type).toContain('idempotency-key-reused');
    expect(await count(sys, `select count(*) as n from sales_order where external_id = 'K-1'`)).toBe(1);
    // A key is scoped to its caller: another user's identical key runs on its own (and the order dedupes by external id).
    const theirs = await post(body('K-1', [{ sku: 'MUG-BLUE', qty: 2 }]), key, sup2.token);
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).toBe(first.body.id);
  });

  it('produces exactly one effect for 50 concurrent duplicates', async () => {
    const key = randomUUID();
    const b = body('K-2', [{ sku: 'MUG-BLUE', qty: 1 }]);
    const rs = await Promise.all(Array.from({ length: 50 }, () => post(b, key)));
    const ok = rs.filter((r) => r.status === 201);
    expect(rs.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.text)).size).toBe(1);
    expect(await count(sys, `select count(*) as n from sales_order where external_id = 'K-2'`)).toBe(1);
    expect(
      await count(
        sys,
        `select count(*) as n from order_log l join sales_order o on o.id = l.order_id where o.external_id = 'K-2' and l.action = 'created'`,
      ),
    ).toBe(1);
  });

  it('keeps keys for at least 24 hours and prunes them after', async () => {
    const key = randomUUID();
    const first = await post(body('K-3', [{ sku: 'MUG-BLUE', qty: 1 }]), key);
    const em = sys.rt.orm.em.fork();
    await sql(em, `update idempotency_key set created_at = now() - interval '23 hours 59 minutes' where key = ?`, [key]);
    expect((await post(body('K-3', [{ sku: 'MUG-BLUE', qty: 1 }]), key)).headers.get('idempotent-replayed')).toBe('true');
    await sql(em, `update idempotency_key set created_at = now() - interval '24 hours 1 minute' where key = ?`, [key]);
    const after = await post(body('K-3', [{ sku: 'MUG-BLUE', qty: 1 }]), key);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.body.id).toBe(first.body.id);
  });

  it('normalizes unicode, ISO country and phone; holds an unknown SKU with a readable reason', async () => {
    const r = await post(
      body('K-4', [{ sku: 'NO-SUCH-SKU', qty: 1 }], {
        shipTo: { name: 'Jürgen', address1: 'Straße 1', city: 'München', country: 'Germany' },
      }),
      randomUUID(),
    );
    const o = await order(r.body.id);
    expect(o).toMatchObject({ status: 'on_hold', shipTo: { countryCode: 'DE', city: 'München' } });
    expect(o.holdReason).toMatch(/Unknown SKU: 1 of 1 line\(s\).*sku "NO-SUCH-SKU"/);
    const bad = await post(
      body('K-5', [{ sku: 'MUG-BLUE', qty: 1 }], { shipTo: { name: 'A', address1: 'B', city: 'C', country: 'Atlantis' } }),
      randomUUID(),
    );
    expect((await order(bad.body.id)).holdReason).toMatch(/ISO 3166/);
  });

  it("scopes orders to the caller's warehouses", async () => {
    const r = await post(body('K-6', [{ sku: 'MUG-BLUE', qty: 1 }]), randomUUID(), other.token);
    expect(r.status).toBe(404);
    const list = await http('GET', `${sys.url}/v1/orders`, { token: other.token });
    expect(list.body.items).toEqual([]);
    const mine = await http('GET', `${sys.url}/v1/orders?limit=2`, { token: sup.token });
    expect(mine.body.items).toHaveLength(2);
    const next = await http('GET', `${sys.url}/v1/orders?limit=2&cursor=${mine.body.nextCursor}`, { token: sup.token });
    expect(next.body.items.map((o: { id: string }) => o.id)).not.toContain(mine.body.items[0].id);
    expect((await http('GET', `${sys.url}/v1/orders/${mine.body.items[0].id}`, { token: other.token })).status).toBe(404);
  });
});

describe('allocation', () => {
  it('allocates partially, backorders the rest and completes it when stock arrives, express first', async () => {
    await stockSku(sys, sys.wh1, 'LAMP', 3);
    const a = await post(body('A-1', [{ sku: 'LAMP', qty: 5 }]), randomUUID());
    const oa = await waitFor(async () => {
      const o = await order(a.body.id);
      return o.status === 'backordered' && o;
    }, 'backorder');
    expect(oa.lines[0]).toMatchObject({ allocatedQty: 3, backorderedQty: 2 });
    expect(oa.allocation).toEqual({ state: 'partial', orderedQty: 5, allocatedQty: 3, backorderedQty: 2 });
    const std = await post(body('A-2', [{ sku: 'LAMP', qty: 2 }]), randomUUID());
    const exp = await post(body('A-3', [{ sku: 'LAMP', qty: 2 }], { shippingMethod: 'DHL Express' }), randomUUID());
    await waitFor(
      async () => (await order(exp.body.id)).status === 'backordered' && (await order(std.body.id)).status === 'backordered',
      'backorders',
    );
    // 2 units arrive: the express order (newest) goes before the older standard ones.
    await stockSku(sys, sys.wh1, 'LAMP', 2);
    await waitFor(async () => (await order(exp.body.id)).status === 'allocated', 'express allocated');
    expect((await order(a.body.id)).lines[0].allocatedQty).toBe(3);
    expect((await order(std.body.id)).status).toBe('backordered');
    const log = await http('GET', `${sys.url}/v1/orders/${a.body.id}/allocation-log`, { token: sup.token });
    expect(log.body.items.find((e: { action: string }) => e.action === 'short').message).toMatch(/LAMP: 2 unit\(s\) short/);
    await stockSku(sys, sys.wh1, 'LAMP', 10);
    await waitFor(
      async () => (await order(a.body.id)).status === 'allocated' && (await order(std.body.id)).status === 'allocated',
      'all allocated',
    );
  });

  it('respects min remaining shelf life (FEFO among acceptable lots)', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const later = new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10);
    await stockSku(sys, sys.wh1, 'YOGURT', 5, { expiry: soon, locationCode: 'PF-Y1' });
    await stockSku(sys, sys.wh1, 'YOGURT', 5, { expiry: later, locationCode: 'PF-Y2' });
    const fefo = await post(body('S-1', [{ sku: 'YOGURT', qty: 2 }]), randomUUID());
    const strict = await post(body('S-2', [{ sku: 'YOGURT', qty: 2 }], { minShelfLifeDays: 30 }), randomUUID());
    const o1 = await waitFor(async () => {
      const o = await order(fefo.body.id);
      return o.status === 'allocated' && o;
    }, 'fefo');
    const o2 = await waitFor(async () => {
      const o = await order(strict.body.id);
      return o.status === 'allocated' && o;
    }, 'shelf life');
    expect(o1.lines[0].reservations[0].expiry).toBe(soon);
    expect(o2.lines[0].reservations[0].expiry).toBe(later);
  });
});

describe('cancellation', () => {
  const reservedOf = async (orderId: string) => {
    const [r] = await sql<ReservedOfRow>(
      sys.rt.orm.em.fork(),
      `select
      (select coalesce(sum(r.qty - r.consumed_qty), 0) from stock_reservation r join order_line l on r.ref_id = l.id::text where l.order_id = ? and r.status = 'pending') as pending,
      (select coalesce(sum(allocated_qty), 0) from order_line where order_id = ?) as allocated`,
      [orderId, orderId],
    );
    return { pending: Number(r!.pending), allocated: Number(r!.allocated) };
  };

  it('before pick: releases the reservations (balances back to available)', async () => {
    const { skuId } = await stockSku(sys, sys.wh1, 'VASE', 4);
    const r = await post(body('C-1', [{ sku: 'VASE', qty: 3 }]), randomUUID());
    await waitFor(async () => (await order(r.body.id)).status === 'allocated', 'allocated');
    expect(await reservedOf(r.body.id)).toEqual({ pending: 3, allocated: 3 });
    const c = await http('POST', `${sys.url}/v1/orders/${r.body.id}/cancel`, {
      token: sup.token,
      body: { reason: 'customer changed mind' },
    });
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ status: 'cancelled', stage: 'before_pick' });
    expect(await reservedOf(r.body.id)).toEqual({ pending: 0, allocated: 0 });
    const [b] = await sql<ReservedSumRow>(sys.rt.orm.em.fork(), 'select sum(reserved) as reserved from stock_balance where sku_id = ?', [
      skuId,
    ]);
    expect(Number(b!.reserved)).toBe(0);
    expect(
      (await http('POST', `${sys.url}/v1/orders/${r.body.id}/cancel`, { token: sup.token, body: { reason: 'again' } })).body.status,
    ).toBe('cancelled');
  });

  it('after pick: cancels and requests a put-back; after ship: refuses with a reason', async () => {
    await stockSku(sys, sys.wh1, 'BOWL', 10);
    const picked = await post(body('C-2', [{ sku: 'BOWL', qty: 2 }]), randomUUID());
    const shipped = await post(body('C-3', [{ sku: 'BOWL', qty: 1 }]), randomUUID());
    await waitFor(
      async () => (await order(picked.body.id)).status === 'allocated' && (await order(shipped.body.id)).status === 'allocated',
      'allocated',
    );
    const em = sys.rt.orm.em.fork();
    // The floor's view of the world: picked goods in a tote, and a shipment that has left.
    await sql(em, `update order_line set picked_qty = qty where order_id = ?`, [picked.body.id]);
    await sql(em, `update sales_order set status = 'picked' where id = ?`, [picked.body.id]);
    await sql(em, `update sales_order set status = 'shipped' where id = ?`, [shipped.body.id]);
    const c1 = await http('POST', `${sys.url}/v1/orders/${picked.body.id}/cancel`, { token: sup.token, body: { reason: 'fraud' } });
    expect(c1.body).toEqual({ status: 'cancelled', stage: 'after_pick' });
    const [ev] = await sql<PutbackEventRow>(
      em,
      `select payload from outbox where type = 'order.putback_requested' and payload->>'orderId' = ?`,
      [picked.body.id],
    );
    expect(ev!.payload.lines.map((l) => l.qty)).toEqual([2]);
    const c2 = await http('POST', `${sys.url}/v1/orders/${shipped.body.id}/cancel`, { token: sup.token, body: { reason: 'too late' } });
    expect(c2.status).toBe(409);
    expect(c2.body.detail).toMatch(/already shipped/);
    expect(
      await count(sys, `select count(*) as n from outbox where type = 'order.cancel_refused' and payload->>'orderId' = ?`, [
        shipped.body.id,
      ]),
    ).toBe(1);
    expect((await order(shipped.body.id)).status).toBe('shipped');
  });
});
