import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STOCK_STATUSES, MOVEMENT_TYPES } from '../../domain/inventory/ledger.types.js';
import { consumeReservation, postMovement, releaseReservations, reserve } from '../../domain/inventory/ledger.service.js';
import { getHold, listHolds, placeHold, releaseHold } from '../../domain/inventory/holds.service.js';
import { createLpn, lpnContents, moveLpn, nestLpn } from '../../domain/inventory/lpn.service.js';
import { listBalances, listMovements, lowStock, nearExpiry, stockAsOf, stockBySku } from '../../domain/inventory/stock-queries.js';
import {
  asOfView,
  balanceView,
  consumeBody,
  createLpnBody,
  holdBody,
  holdView,
  lowStockView,
  lpnView,
  movementHistoryView,
  movementView,
  pageOf,
  pageQuery,
  postMovementBody,
  releaseBody,
  reserveBody,
  reserveResultView,
  skuStockView,
} from '../../domain/inventory/inventory.schemas.js';
import { auditManualMovement, assertMayPostMovement, needsAudit } from '../../domain/inventory/movement-policy.js';
import { recordAudit } from '../../domain/identity/audit.js';
import { BadRequest, NotFound } from '../../domain/shared/errors.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import type { StockReservationRow } from '../../domain/inventory/entities/stock-reservation.entity.js';
import type { LicensePlateRow } from '../../domain/inventory/entities/license-plate.entity.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const FLOOR = ['supervisor', 'receiver', 'picker', 'packer'] as const;
const wh = { warehouseId: z.uuid() };

/** /v1/stock: the ledger (movements, reservations), stock queries, holds and license plates. */
export async function stockRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const em = () => app.orm.em.fork();
  const who = (req: Parameters<typeof actorOf>[0]) => {
    const a = actorOf(req);
    return { userId: a.kind === 'user' ? a.id : undefined, deviceId: a.deviceId };
  };

  app.post(
    '/stock/movements',
    {
      config: { roles: FLOOR, scopes: ['inventory:write'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Post one ledger movement (receipt, putaway, move, pick, …)',
        body: postMovementBody,
        response: { 201: movementView, ...problems },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      assertWarehouse(actor, req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      assertMayPostMovement(actor, req.body.type, req.body.reasonCode);
      // A movement that needs no audit entry is one ledger call outside any transaction, so its balance-row
      // locks last one round trip (hot SKUs queue for microseconds, not for client round trips).
      const mv = needsAudit(req.body.type)
        ? await withTx(app.orm.em, async (tx) => {
            const m = await postMovement(tx, { ...req.body, ...who(req) });
            await auditManualMovement(tx, actor, m, req.body.reasonCode);
            return m;
          })
        : await postMovement(em(), { ...req.body, ...who(req) });
      return reply.status(201).send(mv);
    },
  );

  app.post(
    '/stock/reservations',
    {
      config: { roles: ['supervisor', 'picker'], scopes: ['inventory:write'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Reserve stock (FEFO/FIFO) for an order line or task; 409 insufficient-stock when short',
        body: reserveBody,
        response: { 201: reserveResultView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      // One ledger call outside any transaction: the balance-row locks last one round trip.
      const r = await reserve(em(), { ...req.body, userId: who(req).userId });
      return reply.status(201).send(r);
    },
  );

  app.post(
    '/stock/reservations/release',
    {
      // Releasing reservations frees stock another order was promised: a supervisor's call, with a reason, audited.
      config: { roles: ['supervisor'], scopes: ['inventory:write'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Release pending reservations by reference or ids (idempotent); supervisors, with a reason code',
        body: releaseBody,
        response: { 200: z.object({ released: z.array(z.string()) }), ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return withTx(app.orm.em, async (tx) => {
        if ('reservationIds' in req.body) {
          for (const id of req.body.reservationIds) {
            const r = await sqlOne<Pick<StockReservationRow, 'warehouse_id'>>(
              tx,
              'select warehouse_id from stock_reservation where id = ?',
              [id],
            );
            if (!r) throw new NotFound('Reservation', id);
            assertWarehouse(actor, r.warehouse_id, 'Reservation', id);
          }
        } else if (!actor.allWarehouses) {
          const foreign = await sqlOne(
            tx,
            `select 1 from stock_reservation where ref_type = ? and ref_id = ? and status = 'pending' and not (warehouse_id = any(?::uuid[]))`,
            [req.body.refType, req.body.refId, `{${actor.warehouseIds.join(',')}}`],
          );
          if (foreign) throw new NotFound('Reservation');
        }
        const released = await releaseReservations(tx, req.body, req.body.reasonCode);
        await recordAudit(tx, {
          actorType: actor.kind,
          actorId: actor.id,
          action: 'stock.reservations_released',
          objectType: 'stock_reservation',
          objectId: 'reservationIds' in req.body ? undefined : `${req.body.refType}:${req.body.refId}`,
          deviceId: actor.deviceId,
          details: { reasonCode: req.body.reasonCode, released: released.released },
        });
        return released;
      });
    },
  );

  app.post(
    '/stock/reservations/:id/consume',
    {
      config: { roles: FLOOR, scopes: ['inventory:write'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Post a pending reservation in full or part (pick); the rest is released unless keepRemainder',
        params: z.object({ id: z.uuid() }),
        body: consumeBody,
        response: { 200: z.object({ movement: movementView.nullable(), releasedQty: z.number(), remainingQty: z.number() }), ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, async (tx) => {
        const r = await sqlOne<Pick<StockReservationRow, 'warehouse_id'>>(tx, 'select warehouse_id from stock_reservation where id = ?', [
          req.params.id,
        ]);
        if (!r) throw new NotFound('Reservation', req.params.id);
        assertWarehouse(actorOf(req), r.warehouse_id, 'Reservation', req.params.id);
        assertMayPostMovement(actorOf(req), req.body.type ?? 'pick', undefined);
        return consumeReservation(tx, req.params.id, { ...req.body, ...who(req) });
      }),
  );

  app.get(
    '/stock/balances',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'Balances by SKU / location / lot / status / LPN (cursor-paginated)',
        querystring: z.object({
          ...wh,
          skuId: z.uuid().optional(),
          locationId: z.uuid().optional(),
          lot: z.string().optional(),
          status: z.enum(STOCK_STATUSES).optional(),
          lpnId: z.uuid().optional(),
          includeZero: z.coerce.boolean().optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(balanceView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listBalances(em(), req.query);
    },
  );

  app.get(
    '/stock/by-sku',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'On hand / reserved / available per SKU',
        querystring: z.object({ ...wh, skuId: z.uuid().optional(), lot: z.string().optional(), ...pageQuery }),
        response: { 200: pageOf(skuStockView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return stockBySku(em(), req.query);
    },
  );

  app.get(
    '/stock/as-of',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'Stock at a past moment, by replaying the ledger',
        querystring: z.object({
          ...wh,
          at: z.iso.datetime({ offset: true }),
          skuId: z.uuid().optional(),
          locationId: z.uuid().optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(asOfView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return stockAsOf(em(), req.query);
    },
  );

  app.get(
    '/stock/movements',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'Movement history, newest first',
        querystring: z.object({
          ...wh,
          skuId: z.uuid().optional(),
          locationId: z.uuid().optional(),
          type: z.enum(MOVEMENT_TYPES).optional(),
          refType: z.string().optional(),
          refId: z.string().optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(movementHistoryView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listMovements(em(), req.query);
    },
  );

  app.get(
    '/stock/low',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'SKUs below their minimum stock',
        querystring: z.object({ ...wh, ...pageQuery }),
        response: { 200: pageOf(lowStockView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return lowStock(em(), req.query);
    },
  );

  app.get(
    '/stock/near-expiry',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['inventory'],
        summary: 'Stock expiring within N days, soonest first',
        querystring: z.object({ ...wh, withinDays: z.coerce.number().int().min(0).max(3650).default(30), ...pageQuery }),
        response: { 200: pageOf(balanceView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const until = new Date(app.clock.now().getTime() + req.query.withinDays * 86_400_000).toISOString().slice(0, 10);
      return nearExpiry(em(), { ...req.query, until });
    },
  );

  app.post(
    '/stock/holds',
    {
      config: { roles: ['supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Hold (quarantine) a SKU or lot everywhere, in a warehouse or at a location: the recall command',
        body: holdBody,
        response: {
          201: z.object({ hold: holdView, balances: z.number(), qty: z.number(), releasedReservations: z.number() }),
          ...problems,
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const warehouseId = req.body.warehouseId ?? null;
      if (warehouseId) assertWarehouse(actor, warehouseId, 'Warehouse', warehouseId);
      else if (!actor.allWarehouses)
        throw new BadRequest('only an admin may place a hold in every warehouse; give warehouseId', [
          { path: 'body.warehouseId', message: 'required' },
        ]);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => placeHold(tx, { ...req.body, warehouseId, userId: who(req).userId })));
    },
  );

  app.post(
    '/stock/holds/:id/release',
    {
      config: { roles: ['supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ hold: holdView, balances: z.number(), qty: z.number() }), ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, async (tx) => {
        const h = await getHold(tx, req.params.id);
        const actor = actorOf(req);
        if (h.warehouseId) assertWarehouse(actor, h.warehouseId, 'Hold', h.id);
        else if (!actor.allWarehouses) throw new NotFound('Hold', h.id);
        return releaseHold(tx, req.params.id, who(req).userId);
      }),
  );

  app.get(
    '/stock/holds',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['inventory'],
        querystring: z.object({ active: z.enum(['true', 'false']).optional(), ...pageQuery }),
        response: { 200: pageOf(holdView), ...problems },
      },
    },
    async (req) => {
      const a = actorOf(req);
      return listHolds(em(), {
        warehouseIds: a.allWarehouses ? null : a.warehouseIds,
        active: req.query.active === undefined ? undefined : req.query.active === 'true',
        limit: req.query.limit,
        cursor: req.query.cursor,
      });
    },
  );

  app.post(
    '/lpns',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Create a license plate (pallet, tote, carton) at a location or inside another',
        body: createLpnBody,
        response: { 201: lpnView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => createLpn(tx, req.body)));
    },
  );

  const lpnGuard = async (req: Parameters<typeof actorOf>[0], tx: ReturnType<typeof em>, id: string) => {
    const r = await sqlOne<Pick<LicensePlateRow, 'warehouse_id'>>(tx, 'select warehouse_id from license_plate where id = ?', [id]);
    if (!r) throw new NotFound('LPN', id);
    assertWarehouse(actorOf(req), r.warehouse_id, 'LPN', id);
  };

  app.get(
    '/lpns/:id',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['inventory'],
        summary: 'A license plate with nested plates and contents',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ lpn: lpnView, children: z.array(lpnView), balances: z.array(balanceView) }), ...problems },
      },
    },
    async (req) => {
      const e = em();
      await lpnGuard(req, e, req.params.id);
      return lpnContents(e, req.params.id);
    },
  );

  app.post(
    '/lpns/:id/move',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Move a plate and everything nested in it as one',
        params: z.object({ id: z.uuid() }),
        body: z.object({ toLocationId: z.uuid(), type: z.enum(['move', 'putaway']).optional() }),
        response: { 200: z.object({ lpn: lpnView, movements: z.number() }), ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, async (tx) => {
        await lpnGuard(req, tx, req.params.id);
        return moveLpn(tx, { lpnId: req.params.id, toLocationId: req.body.toLocationId, type: req.body.type, ...who(req) });
      }),
  );

  app.post(
    '/lpns/:id/nest',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['inventory'],
        summary: 'Put a plate inside another (parentId null takes it out)',
        params: z.object({ id: z.uuid() }),
        body: z.object({ parentId: z.uuid().nullable() }),
        response: { 200: lpnView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, async (tx) => {
        await lpnGuard(req, tx, req.params.id);
        return nestLpn(tx, { lpnId: req.params.id, parentId: req.body.parentId, userId: who(req).userId });
      }),
  );
}
