import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/harness/context.js';
import { makeLocation, makeSku } from '../../test/inventory/fixtures.js';
import { withTx } from '../../platform/db.js';
import { sql, sqlOne } from '../shared/sql.js';
import { availableAt, consumeReservation, postMovement, releaseReservations, reserve } from './ledger.service.js';
import { ledgerMismatches } from './ledger-audit.js';

import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { StockMovementRow } from './entities/stock-movement.entity.js';
import type { CountRow, IdRow } from '../shared/rows.js';
import type { EventPayloadRow } from '../../test/harness/rows.js';
import type { PostMovementCmd } from './ledger.types.js';
import type { StockReservationRow } from './entities/stock-reservation.entity.js';
let sys: TestSystem;
let wh: string;
const tx = <T>(fn: Parameters<typeof withTx<T>>[1]) => withTx(sys.rt.orm.em, fn);
const balance = async (locationId: string, skuId: string) =>
  sqlOne<Pick<StockBalanceRow, 'on_hand' | 'reserved'>>(
    sys.rt.orm.em.fork(),
    'select coalesce(sum(on_hand),0)::int as on_hand, coalesce(sum(reserved),0)::int as reserved from stock_balance where location_id = ? and sku_id = ?',
    [locationId, skuId],
  );

beforeAll(async () => {
  sys = await startTestSystem();
  wh = sys.wh1;
});
afterAll(async () => sys?.close());

describe('postMovement', () => {
  it('receives, moves and picks with balances, an immutable ledger and stock.moved events', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const a = await makeLocation(em, wh);
    const b = await makeLocation(em, wh);
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 10, to: { locationId: a.id } }));
    const mv = await tx((t) =>
      postMovement(t, {
        warehouseId: wh,
        type: 'move',
        skuId: sku.id,
        qty: 4,
        from: { locationId: a.id },
        to: { locationId: b.id },
        reasonCode: 'consolidate',
      }),
    );
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'pick', skuId: sku.id, qty: 3, from: { locationId: b.id } }));
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 6, reserved: 0 });
    expect(await balance(b.id, sku.id)).toEqual({ on_hand: 1, reserved: 0 });
    const row = await sqlOne<Pick<StockMovementRow, 'type' | 'reason_code' | 'to_virtual'>>(
      em,
      'select type, reason_code, to_virtual from stock_movement where id = ?',
      [mv.id],
    );
    expect(row).toMatchObject({ type: 'move', reason_code: 'consolidate' });
    const pick = await sqlOne<Pick<StockMovementRow, 'to_virtual'>>(
      em,
      `select to_virtual from stock_movement where sku_id = ? and type = 'pick'`,
      [sku.id],
    );
    expect(pick!.to_virtual).toBe('customer');
    await expect(sql(em, 'update stock_movement set qty = 99 where id = ?', [mv.id])).rejects.toThrow(/append-only/);
    await expect(sql(em, 'delete from stock_movement where id = ?', [mv.id])).rejects.toThrow(/append-only/);
    const events = await sql<CountRow>(em, `select count(*)::int as n from outbox where type = 'stock.moved' and payload->>'skuId' = ?`, [
      sku.id,
    ]);
    expect(events[0]!.n).toBe(3);
    expect(await ledgerMismatches(em, wh)).toEqual([]);
  });

  it('refuses to take more than is available and leaves nothing behind', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const a = await makeLocation(em, wh);
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 5, to: { locationId: a.id } }));
    await expect(
      tx((t) => postMovement(t, { warehouseId: wh, type: 'pick', skuId: sku.id, qty: 6, from: { locationId: a.id } })),
    ).rejects.toMatchObject({ type: 'insufficient-stock', status: 409 });
    await tx((t) => reserve(t, { warehouseId: wh, skuId: sku.id, qty: 4, refType: 'order_line', refId: 'o1' }));
    // Reserved stock cannot be moved away by a plain movement.
    await expect(
      tx((t) =>
        postMovement(t, {
          warehouseId: wh,
          type: 'move',
          skuId: sku.id,
          qty: 2,
          from: { locationId: a.id },
          to: { locationId: a.id, status: 'damaged' },
        }),
      ),
    ).rejects.toMatchObject({ type: 'insufficient-stock' });
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 5, reserved: 4 });
  });

  it('has the database enforce on_hand >= 0 and reserved <= on_hand, not only the code', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const a = await makeLocation(em, wh);
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 2, to: { locationId: a.id } }));
    await expect(sql(em, 'update stock_balance set on_hand = -1 where sku_id = ?', [sku.id])).rejects.toThrow(/stock_balance/);
    await expect(sql(em, 'update stock_balance set reserved = 3 where sku_id = ?', [sku.id])).rejects.toThrow(
      /stock_balance_reserved_range/,
    );
  });

  it('requires lot and expiry on receipts of tracked SKUs and rejects foreign locations', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em, { trackLot: true, trackExpiry: true });
    const a = await makeLocation(em, wh);
    const other = await makeLocation(em, sys.wh2);
    await expect(
      tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 1, to: { locationId: a.id, lot: 'L1' } })),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      tx((t) =>
        postMovement(t, {
          warehouseId: wh,
          type: 'receipt',
          skuId: sku.id,
          qty: 1,
          to: { locationId: other.id, lot: 'L1', expiry: '2030-01-01' },
        }),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('validates inside the one ledger call, also grouped outside a transaction: SKU, plate, hold, capacity', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const a = await makeLocation(em, wh);
    const small = await makeLocation(em, wh);
    await sql(em, 'update location set max_skus = 1 where id = ?', [small.id]);
    const foreignLpn = (await sqlOne<IdRow>(em, `insert into license_plate (warehouse_id, code) values (?, ?) returning id`, [
      sys.wh2,
      `LPN-${sku.code}`,
    ]))!.id;
    // Outside a transaction: the API's path, one ledger_batch per group of concurrent calls.
    const post = (cmd: Omit<PostMovementCmd, 'warehouseId' | 'skuId'> & { skuId?: string }) =>
      postMovement(sys.rt.orm.em.fork(), { warehouseId: wh, skuId: sku.id, ...cmd });
    await expect(post({ type: 'receipt', skuId: a.id, qty: 1, to: { locationId: a.id } })).rejects.toMatchObject({ status: 404 });
    await expect(post({ type: 'receipt', qty: 1, to: { locationId: a.id, lpnId: foreignLpn } })).rejects.toMatchObject({
      status: 404,
      message: `LPN ${foreignLpn} was not found`,
    });
    await post({ type: 'receipt', qty: 5, to: { locationId: a.id } });
    const other = await makeSku(em);
    await post({ type: 'receipt', skuId: other.id, qty: 1, to: { locationId: small.id } });
    await expect(post({ type: 'move', qty: 1, from: { locationId: a.id }, to: { locationId: small.id } })).rejects.toMatchObject({
      type: 'location-capacity-exceeded',
      message: `1 × ${sku.code} do not fit in ${small.code}: 2 SKUs > 1 allowed`,
      errors: [{ path: 'to.locationId', message: '2 SKUs > 1 allowed' }],
    });
    await sql(em, `insert into stock_hold (sku_id, warehouse_id, reason) values (?, ?, 'recall')`, [sku.id, wh]);
    const b = await makeLocation(em, wh);
    const mv = await post({ type: 'move', qty: 2, from: { locationId: a.id }, to: { locationId: b.id } });
    const held = await sqlOne<Pick<StockBalanceRow, 'status' | 'on_hand'>>(em, 'select status, on_hand from stock_balance where id = ?', [
      mv.toBalanceId,
    ]);
    expect(held).toEqual({ status: 'quarantine', on_hand: 2 });
    const ev = await sqlOne<EventPayloadRow>(em, `select payload from outbox where type = 'stock.moved' and payload->>'movementId' = ?`, [
      mv.id,
    ]);
    expect(ev!.payload).toMatchObject({ to: { locationId: b.id, status: 'quarantine' } });
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await ledgerMismatches(em, wh)).toEqual([]);
  });
});

describe('reservations', () => {
  it('allocates FEFO for expiry-tracked SKUs, skipping quarantined and held stock and too-short expiry', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em, { trackLot: true, trackExpiry: true });
    const [a, b, c, q] = [await makeLocation(em, wh), await makeLocation(em, wh), await makeLocation(em, wh), await makeLocation(em, wh)];
    const rcv = (loc: string, lot: string, expiry: string, qty: number, status?: 'quarantine') =>
      tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty, to: { locationId: loc, lot, expiry, status } }));
    await rcv(a.id, 'LATE', '2031-06-01', 5);
    await rcv(b.id, 'EARLY', '2030-01-01', 3);
    await rcv(c.id, 'MID', '2030-06-01', 4);
    await rcv(q.id, 'EARLIEST', '2029-01-01', 9, 'quarantine');
    const r = await tx((t) => reserve(t, { warehouseId: wh, skuId: sku.id, qty: 8, refType: 'order_line', refId: 'fefo-1' }));
    expect(r.shortQty).toBe(0);
    expect(r.reservations.map((x) => [x.lot, x.qty])).toEqual([
      ['EARLY', 3],
      ['MID', 4],
      ['LATE', 1],
    ]);
    expect(r.reservations[0]!.locationCode).toBe(b.code);
    await tx((t) => releaseReservations(t, { refType: 'order_line', refId: 'fefo-1' }));
    const min = await tx((t) =>
      reserve(t, { warehouseId: wh, skuId: sku.id, qty: 2, refType: 'task', refId: 'min', minExpiryDate: '2031-01-01' }),
    );
    expect(min.reservations.map((x) => x.lot)).toEqual(['LATE']);
    expect(await tx((t) => availableAt(t, { warehouseId: wh, skuId: sku.id }))).toBe(10);
  });

  it('allocates FIFO otherwise, supports partial allocation and reserves nothing on a shortfall', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const [a, b] = [await makeLocation(em, wh), await makeLocation(em, wh)];
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 2, to: { locationId: b.id } }));
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 2, to: { locationId: a.id } }));
    await expect(
      tx((t) => reserve(t, { warehouseId: wh, skuId: sku.id, qty: 5, refType: 'order_line', refId: 'x' })),
    ).rejects.toMatchObject({ type: 'insufficient-stock', status: 409 });
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 2, reserved: 0 });
    const r = await tx((t) =>
      reserve(t, { warehouseId: wh, skuId: sku.id, qty: 5, refType: 'order_line', refId: 'x', allowPartial: true }),
    );
    expect(r.shortQty).toBe(1);
    expect(r.reservations.map((x) => x.locationId)).toEqual([b.id, a.id]);
    const ex = await tx((t) =>
      reserve(t, {
        warehouseId: wh,
        skuId: sku.id,
        qty: 1,
        refType: 'x',
        refId: 'y',
        allowPartial: true,
        excludeLocationIds: [a.id, b.id],
      }),
    );
    expect(ex).toEqual({ reservations: [], shortQty: 1 });
  });

  it('releases exactly once and consumes in full or part (rest released or kept)', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const a = await makeLocation(em, wh);
    const tote = await makeLocation(em, wh, { type: 'pack' });
    await tx((t) => postMovement(t, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 20, to: { locationId: a.id } }));
    const r1 = await tx((t) => reserve(t, { warehouseId: wh, skuId: sku.id, qty: 5, refType: 'order_line', refId: 'r1' }));
    expect((await tx((t) => releaseReservations(t, { refType: 'order_line', refId: 'r1' }))).released).toHaveLength(1);
    expect((await tx((t) => releaseReservations(t, { reservationIds: [r1.reservations[0]!.id] }))).released).toHaveLength(0);
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 20, reserved: 0 });

    const r2 = await tx((t) => reserve(t, { warehouseId: wh, skuId: sku.id, qty: 6, refType: 'task', refId: 't2' }));
    const id2 = r2.reservations[0]!.id;
    const c1 = await tx((t) => consumeReservation(t, id2, { qty: 2, to: { locationId: tote.id }, keepRemainder: true }));
    expect(c1).toMatchObject({ releasedQty: 0, remainingQty: 4 });
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 18, reserved: 4 });
    const c2 = await tx((t) => consumeReservation(t, id2, { qty: 3, to: { locationId: tote.id } }));
    expect(c2).toMatchObject({ releasedQty: 1, remainingQty: 0 });
    expect(await balance(a.id, sku.id)).toEqual({ on_hand: 15, reserved: 0 });
    expect(await balance(tote.id, sku.id)).toEqual({ on_hand: 5, reserved: 0 });
    await expect(tx((t) => consumeReservation(t, id2, { qty: 1, to: { locationId: tote.id } }))).rejects.toMatchObject({
      type: 'reservation-closed',
    });
    const st = await sqlOne<Pick<StockReservationRow, 'status' | 'consumed_qty'>>(
      em,
      'select status, consumed_qty from stock_reservation where id = ?',
      [id2],
    );
    expect(st).toEqual({ status: 'posted', consumed_qty: 5 });
    expect(await ledgerMismatches(em, wh)).toEqual([]);
  });
});
