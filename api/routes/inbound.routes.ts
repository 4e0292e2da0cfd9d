import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { asnWarehouse, closeAsn, createAsn, getAsn } from '../../domain/receiving/asn.service.js';
import { receiveScan } from '../../domain/receiving/receive.service.js';
import { asnView, closeView, createAsnBody, receiveBody, receiveView } from '../../domain/receiving/receiving.schemas.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { idempotent } from '../plugins/idempotency.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const RECEIVING = ['supervisor', 'receiver'] as const;
const params = z.object({ id: z.uuid() });

/** /v1/inbound: ASNs and receiving by scan (contract of issue 12). */
export async function inboundRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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
      ...idempotent(),
      config: { roles: RECEIVING, scopes: ['inbound:write'] },
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
      ...idempotent(),
      config: { roles: RECEIVING, scopes: ['inbound:write'] },
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
}
