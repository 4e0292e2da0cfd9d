import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { selectCarrier } from '../../domain/shipping/carrier-selection.service.js';
import { labelPdf, zplToPng } from '../../domain/shipping/label-render.js';
import { getLabel, labelDataOf, purchaseLabel, reprintLabel, voidLabel } from '../../domain/shipping/label.service.js';
import { createManifest, getManifest, manifestPdf, openExceptions } from '../../domain/shipping/manifest.service.js';
import { getShipment } from '../../domain/shipping/shipment-queries.js';
import { Conflict } from '../../domain/shared/errors.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const SHIP = ['supervisor', 'packer', 'dispatcher'] as const;
const params = z.object({ shipmentId: z.uuid() });
const labelResponse = z.object({
  trackingNumber: z.string(),
  sscc: z.string(),
  carrier: z.string(),
  service: z.string(),
  labelId: z.string(),
  trackingUrl: z.string().nullable(),
  status: z.string(),
  printCount: z.number().int(),
});
const labelOut = (l: Awaited<ReturnType<typeof reprintLabel>>) => ({
  trackingNumber: l.trackingNumber,
  sscc: l.sscc,
  carrier: l.carrier,
  service: l.service,
  labelId: l.id,
  trackingUrl: l.trackingUrl,
  status: l.status,
  printCount: l.printCount,
});

/** Labels (buy, fetch as ZPL/PDF/PNG, reprint, void), carrier decisions, manifests and shipping exceptions. */
export async function labelRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/shipments/:shipmentId/select-carrier',
    {
      config: { roles: SHIP, scopes: ['shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Choose carrier and service now (normally done when the shipment is packed); the decision is stored with its alternatives',
        params,
        response: {
          200: z.object({ carrier: z.string(), service: z.string(), deliveryMode: z.string(), late: z.boolean(), reason: z.string() }),
          ...problems,
        },
      },
    },
    async (req) => {
      await getShipment(app.orm.em.fork(), actorOf(req), req.params.shipmentId);
      const r = await withTx(app.orm.em, (tx) => selectCarrier(tx, req.params.shipmentId, app.clock.now()));
      if (!r) throw new Conflict('No carrier can be chosen for this shipment now: see its shipping exceptions', 'no-carrier-selected');
      return { carrier: r.carrier, service: r.service, deliveryMode: r.deliveryMode, late: r.late, reason: r.reason };
    },
  );

  app.post(
    '/shipments/:shipmentId/label',
    {
      config: { roles: SHIP, scopes: ['shipments:write'], idempotency: 'optional' },
      schema: {
        tags: ['shipping'],
        summary: 'Buy the label (Idempotency-Key: the same key returns the same label); emits shipment.labelled',
        params,
        response: { 200: labelResponse, 201: labelResponse, ...problems },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const r = await withTx(app.orm.em, (tx) =>
        purchaseLabel(tx, actorOf(req), req.params.shipmentId, typeof key === 'string' && key ? key : undefined, app.clock.now()),
      );
      return reply.status(r.created ? 201 : 200).send(labelOut(r.label));
    },
  );

  app.get(
    '/shipments/:shipmentId/label',
    {
      config: { roles: SHIP, scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'The label as ZPL II (4×6 in, 203 dpi), PDF (4×6 in) or a PNG preview',
        params,
        querystring: z.object({ format: z.enum(['zpl', 'pdf', 'png']).default('zpl') }),
        response: { 200: z.any(), ...problems },
      },
    },
    async (req, reply) => {
      const l = await getLabel(app.orm.em.fork(), actorOf(req), req.params.shipmentId);
      reply.header('x-label-status', l.status).header('content-disposition', `inline; filename="${l.trackingNumber}.${req.query.format}"`);
      if (req.query.format === 'zpl') return reply.type('application/zpl; charset=utf-8').send(l.zpl);
      if (req.query.format === 'png') return reply.type('image/png').send(await zplToPng(l.zpl));
      return reply.type('application/pdf').send(await labelPdf(await labelDataOf(app.orm.em.fork(), l.data)));
    },
  );

  app.post(
    '/shipments/:shipmentId/label/reprint',
    {
      config: { roles: SHIP, scopes: ['shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Count a reprint of the active label (same bytes)',
        params,
        response: { 200: labelResponse, ...problems },
      },
    },
    async (req) => labelOut(await withTx(app.orm.em, (tx) => reprintLabel(tx, actorOf(req), req.params.shipmentId))),
  );

  app.post(
    '/shipments/:shipmentId/label/void',
    {
      config: { roles: ['supervisor', 'packer'], scopes: ['shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Void the active label before the manifest; the shipment is packed again (a new label gets a new SSCC)',
        params,
        response: { 200: labelResponse, ...problems },
      },
    },
    async (req) => labelOut(await withTx(app.orm.em, (tx) => voidLabel(tx, actorOf(req), req.params.shipmentId))),
  );

  const manifestView = z.object({
    id: z.string(),
    warehouseId: z.string(),
    carrier: z.string(),
    shipDate: z.string(),
    createdAt: z.string(),
    handedOverTo: z.object({ name: z.string(), vehicleRegistration: z.string().optional(), company: z.string().optional() }).nullable(),
    shipments: z.array(
      z.object({
        id: z.string(),
        orderId: z.string().nullable(),
        service: z.string(),
        trackingNumber: z.string(),
        sscc: z.string(),
        weightG: z.number().int(),
      }),
    ),
  });

  app.post(
    '/manifests',
    {
      config: { roles: ['supervisor', 'dispatcher'], scopes: ['shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: "Close out a carrier's labelled parcels: they lock and leave stock (ship movements)",
        body: z.object({
          warehouseId: z.uuid(),
          carrier: z.string().min(1).max(40),
          /** Who takes the parcels (required for a 3PL partner: the handover). */
          handedOverTo: z
            .object({
              name: z.string().min(1).max(100),
              vehicleRegistration: z.string().max(20).optional(),
              company: z.string().max(100).optional(),
            })
            .optional(),
        }),
        response: { 201: manifestView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return reply
        .status(201)
        .send(
          await withTx(app.orm.em, (tx) =>
            createManifest(tx, actorOf(req), req.body.warehouseId, req.body.carrier, app.clock.now(), req.body.handedOverTo),
          ),
        );
    },
  );

  app.get(
    '/manifests/:manifestId',
    {
      config: { roles: ['supervisor', 'dispatcher'], scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'A manifest as JSON, or as a PDF with its barcode (?format=pdf)',
        params: z.object({ manifestId: z.uuid() }),
        querystring: z.object({ format: z.enum(['json', 'pdf']).default('json') }),
        response: { 200: z.any(), ...problems },
      },
    },
    async (req, reply) => {
      const m = await getManifest(app.orm.em.fork(), actorOf(req), req.params.manifestId);
      if (req.query.format === 'json') return m;
      return reply.type('application/pdf').send(await manifestPdf(app.orm.em.fork(), m));
    },
  );

  app.get(
    '/shipping-exceptions',
    {
      config: { roles: ['supervisor', 'dispatcher', 'packer'], scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Open shipping exceptions of a warehouse (no carrier, unmanifested at cut-off, tracking exceptions)',
        querystring: z.object({ warehouseId: z.uuid() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ id: z.string(), shipmentId: z.string(), kind: z.string(), message: z.string(), createdAt: z.string() }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return { items: await openExceptions(app.orm.em.fork(), req.query.warehouseId) };
    },
  );
}
