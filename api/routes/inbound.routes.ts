import { cursorParam } from '../../domain/shared/cursor.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importAsnsCsv } from '../../domain/receiving/asn-csv.service.js';
import { asnWarehouse, closeAsn, createAsn, getAsn, listAsns } from '../../domain/receiving/asn.service.js';
import {
  bookAppointment,
  createPurchaseOrder,
  getPurchaseOrder,
  listAppointments,
  purchaseOrderWarehouse,
  listSuppliers,
  saveSupplier,
} from '../../domain/receiving/inbound-reference.service.js';
import { receiveScan } from '../../domain/receiving/receive.service.js';
import { createPutawayTasks } from '../../domain/slotting/putaway.service.js';
import {
  appointmentBody,
  appointmentView,
  asnView,
  closeView,
  createAsnBody,
  purchaseOrderBody,
  purchaseOrderView,
  receiveBody,
  receiveView,
  supplierBody,
  supplierView,
} from '../../domain/receiving/receiving.schemas.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { csvBody } from '../csv-body.js';
import { asnLifecycle } from '../../domain/receiving/asn.lifecycle.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const RECEIVING = ['supervisor', 'receiver'] as const;
const params = z.object({ id: z.uuid() });
/** Largest ASN CSV accepted (the body is streamed, so the cap is counted, not buffered). */
const CSV_MAX_BYTES = 20 * 1024 * 1024;

/** /v1/inbound: ASNs and receiving by scan (contract of issue 12). */
export async function inboundRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // CSV bodies are read as a stream by the import (bodyLimit does not apply; the import counts bytes).
  app.addContentTypeParser(['text/csv', 'text/plain'], (_req, payload, done) => done(null, payload));
  const who = (req: Parameters<typeof actorOf>[0]) => {
    const a = actorOf(req);
    return { userId: a.kind === 'user' ? a.id : undefined, deviceId: a.deviceId };
  };
  /** 404 unless the ASN is in one of the caller's warehouses. */
  const scoped = async (req: Parameters<typeof actorOf>[0], id: string) =>
    assertWarehouse(actorOf(req), await asnWarehouse(app.orm.em.fork(), id), 'ASN', id);

  app.post(
    '/inbound/asns',
    {
      config: { roles: RECEIVING, scopes: ['inbound:write'], idempotency: 'optional' },
      schema: {
        tags: ['inbound'],
        summary: 'Announce an inbound shipment (ASN): supplier, lines with SKU, quantity, lot/expiry and pallet SSCC',
        body: createAsnBody,
        response: { 201: asnView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      const v = await withTx(app.orm.em, (tx) => createAsn(tx, req.body, who(req).userId));
      return reply.status(201).send(v);
    },
  );

  app.get(
    '/inbound/asns/:id',
    {
      config: { roles: ['any'], scopes: ['inbound:read'] },
      schema: {
        tags: ['inbound'],
        summary: 'An ASN with its lines and received quantities',
        params,
        response: { 200: asnView, ...problems },
      },
    },
    async (req) => {
      await scoped(req, req.params.id);
      return getAsn(app.orm.em.fork(), req.params.id);
    },
  );

  app.post(
    '/inbound/asns/:id/receive',
    {
      config: { roles: RECEIVING, scopes: ['inbound:write'], idempotency: 'optional' },
      schema: {
        tags: ['inbound'],
        summary: 'Receive by scan: SSCC (whole pallet as an LPN), GS1 case label, or GTIN/SKU with qty. Honours Idempotency-Key',
        params,
        body: receiveBody,
        response: { 201: receiveView, 200: receiveView, ...problems },
      },
    },
    async (req, reply) => {
      await scoped(req, req.params.id);
      const key = req.headers['idempotency-key'];
      const v = await withTx(app.orm.em, (tx) =>
        receiveScan(tx, req.params.id, req.body, {
          ...who(req),
          clientKey: typeof key === 'string' ? key : undefined,
          now: app.clock.now(),
          onReceived: createPutawayTasks,
        }),
      );
      return reply.status(201).send(v);
    },
  );

  app.post(
    '/inbound/asns/:id/close',
    {
      config: { roles: RECEIVING, scopes: ['inbound:write'] },
      schema: {
        tags: ['inbound'],
        summary: 'Close the receipt: reports over/short/damaged/unexpected lines (event asn.closed, webhooks)',
        params,
        response: { 200: closeView, ...problems },
      },
    },
    async (req) => {
      await scoped(req, req.params.id);
      return withTx(app.orm.em, (tx) => closeAsn(tx, req.params.id, who(req).userId));
    },
  );

  app.get(
    '/inbound/asns',
    {
      config: { roles: ['any'], scopes: ['inbound:read'] },
      schema: {
        tags: ['inbound'],
        summary: 'ASNs of a warehouse, newest first (cursor-paginated); ?ref= finds them by ASN reference or PO number',
        querystring: z.object({
          warehouseId: z.uuid(),
          status: asnLifecycle.schema.optional(),
          ref: z
            .string()
            .trim()
            .min(1)
            .max(80)
            .optional()
            .describe('The ASN reference or the purchase order number, as printed on the delivery note (exact)'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: cursorParam,
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                reference: z.string(),
                poReference: z.string().nullable(),
                status: z.string(),
                supplier: z.string(),
                expectedAt: z.string().nullable(),
                dockDoor: z.string().nullable(),
                lineCount: z.number().int(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listAsns(app.orm.em.fork(), req.query);
    },
  );

  app.post(
    '/inbound/asns/import',
    {
      config: { roles: ['supervisor'], scopes: ['inbound:write'] },
      schema: {
        tags: ['inbound'],
        summary: 'Import ASNs from CSV (text/csv, streamed, 20 MB cap): reference,supplier,sku,qty[,expected_at,dock_door,lot,expiry,sscc]',
        querystring: z.object({ warehouseId: z.uuid() }),
        response: {
          201: z.object({ asns: z.array(z.object({ id: z.string(), reference: z.string(), lines: z.number().int() })) }),
          413: problemSchema,
          ...problems,
        },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const r = await app.orm.em
        .fork()
        .transactional((tx) =>
          importAsnsCsv(tx, req.query.warehouseId, csvBody(req, CSV_MAX_BYTES), { maxBytes: CSV_MAX_BYTES, userId: who(req).userId }),
        );
      return reply.status(201).send(r);
    },
  );

  app.put(
    '/inbound/suppliers',
    {
      // Suppliers (and their lead times) are shared by every warehouse: admins only, like the catalog.
      config: { roles: ['admin'], scopes: ['inbound:write'] },
      schema: {
        tags: ['inbound'],
        summary: 'Create or update a supplier by name (lead time feeds purchase suggestions)',
        body: supplierBody,
        response: { 200: supplierView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => saveSupplier(tx, req.body)),
  );

  app.get(
    '/inbound/suppliers',
    {
      config: { roles: ['any'], scopes: ['inbound:read'] },
      schema: {
        tags: ['inbound'],
        summary: 'Suppliers by name (cursor-paginated)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: cursorParam }),
        response: { 200: z.object({ items: z.array(supplierView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listSuppliers(app.orm.em.fork(), req.query),
  );

  app.post(
    '/inbound/purchase-orders',
    {
      config: { roles: ['supervisor'], scopes: ['inbound:write'] },
      schema: {
        tags: ['inbound'],
        summary: 'Create a purchase order (ASNs reference it by poReference; closing an ASN books what arrived)',
        body: purchaseOrderBody,
        response: { 201: purchaseOrderView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => createPurchaseOrder(tx, req.body, who(req).userId)));
    },
  );

  app.get(
    '/inbound/purchase-orders/:id',
    {
      config: { roles: ['any'], scopes: ['inbound:read'] },
      schema: {
        tags: ['inbound'],
        summary: 'A purchase order with ordered and received quantities',
        params,
        response: { 200: purchaseOrderView, ...problems },
      },
    },
    async (req) => {
      const em = app.orm.em.fork();
      assertWarehouse(actorOf(req), await purchaseOrderWarehouse(em, req.params.id), 'Purchase order', req.params.id);
      return getPurchaseOrder(em, req.params.id);
    },
  );

  app.post(
    '/inbound/appointments',
    {
      config: { roles: ['supervisor'], scopes: ['inbound:write'] },
      schema: {
        tags: ['inbound'],
        summary: 'Book a dock door for a time slot (409 dock-door-booked on overlap); an ASN given is received at that door',
        body: appointmentBody,
        response: { 201: appointmentView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => bookAppointment(tx, req.body)));
    },
  );

  app.get(
    '/inbound/appointments',
    {
      config: { roles: ['any'], scopes: ['inbound:read'] },
      schema: {
        tags: ['inbound'],
        summary: 'Dock appointments of a warehouse in a time range, by start time (cursor-paginated: pass nextCursor back as cursor)',
        querystring: z.object({
          warehouseId: z.uuid(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(appointmentView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listAppointments(app.orm.em.fork(), req.query);
    },
  );
}
