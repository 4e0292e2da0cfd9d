import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportSkusCsv, importSkusCsv } from '../../domain/catalog/catalog-csv.service.js';
import { skuBody, skuView } from '../../domain/catalog/catalog.schemas.js';
import { getSku, listSkus, upsertSkus, barcodeConflicts } from '../../domain/catalog/catalog.service.js';
import { pageOf, pageQuery } from '../../domain/inventory/inventory.schemas.js';
import { setInspectionFlag } from '../../domain/receiving/inspection.service.js';
import { inspectionBody, inspectionView } from '../../domain/receiving/receiving.schemas.js';
import { Conflict } from '../../domain/shared/errors.js';
import { withTx } from '../../platform/db.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { csvBody } from '../csv-body.js';

/**
 * SKUs are global (one catalog for every warehouse), so a warehouse's supervisor must not rewrite them: only admins
 * (and API clients granted catalog:write) may.
 */
const CATALOG_WRITERS = ['admin'] as const;
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** /v1/catalog: SKUs with pack hierarchy and barcodes; streaming CSV import (all-or-nothing) and export. */
export async function catalogRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // The import reads the body as a stream (no size cap from bodyLimit, no buffering of the file).
  app.addContentTypeParser(['text/csv', 'text/plain'], (_req, payload, done) => done(null, payload));

  app.get(
    '/catalog/skus',
    {
      config: { roles: ['any'], scopes: ['catalog:read'] },
      schema: {
        tags: ['catalog'],
        querystring: z.object({
          q: z.string().max(64).optional(),
          category: z.string().optional(),
          velocityClass: z.enum(['A', 'B', 'C']).optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(skuView), ...problems },
      },
    },
    async (req) => listSkus(app.orm.em.fork(), req.query),
  );

  app.get(
    '/catalog/skus/:idOrCode',
    {
      config: { roles: ['any'], scopes: ['catalog:read'] },
      schema: { tags: ['catalog'], params: z.object({ idOrCode: z.string().min(1).max(64) }), response: { 200: skuView, ...problems } },
    },
    async (req) => getSku(app.orm.em.fork(), req.params.idOrCode),
  );

  app.put(
    '/catalog/skus/:code',
    {
      config: { roles: CATALOG_WRITERS, scopes: ['catalog:write'] },
      schema: {
        tags: ['catalog'],
        summary: 'Create or replace a SKU by code (pack levels and barcodes replaced)',
        params: z.object({ code: z.string().min(1).max(64) }),
        body: skuBody,
        response: { 200: skuView, 201: skuView, ...problems },
      },
    },
    async (req, reply) => {
      const sku = { ...req.body, code: req.params.code };
      const r = await withTx(app.orm.em, async (tx) => {
        const conflicts = await barcodeConflicts(tx, [sku]);
        const first = conflicts.get(0)?.[0];
        if (first) throw new Conflict(first.message, 'barcode-taken');
        const res = await upsertSkus(tx, [sku]);
        return { created: res.created > 0, view: await getSku(tx, res.ids[0]!) };
      });
      return reply.status(r.created ? 201 : 200).send(r.view);
    },
  );

  app.put(
    '/catalog/skus/:idOrCode/inspection',
    {
      config: { roles: ['supervisor'], scopes: ['catalog:write'] },
      schema: {
        tags: ['catalog'],
        summary: 'Set or clear the needs-inspection flag of a SKU (its receipts go to a quality hold); audited with the reason',
        params: z.object({ idOrCode: z.string().min(1).max(64) }),
        body: inspectionBody,
        response: { 200: inspectionView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => setInspectionFlag(tx, actorOf(req), req.params.idOrCode, req.body)),
  );

  app.post(
    '/catalog/skus/import',
    {
      config: { roles: CATALOG_WRITERS, scopes: ['catalog:write'] },
      schema: {
        tags: ['catalog'],
        summary:
          'Import SKUs from CSV (text/csv, streamed, at most 20 MB) in batches of 1,000 rows, one short transaction each; bad rows are rejected and listed (line, code, column, why), good ones imported',
        response: {
          200: z.object({
            rows: z.number(),
            created: z.number(),
            updated: z.number(),
            rejected: z.number(),
            rejectedRows: z.array(
              z.object({
                line: z.number(),
                row: z.number(),
                code: z.string().nullable(),
                errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })),
              }),
            ),
            batches: z.number(),
          }),
          ...problems,
        },
      },
    },
    // No retry wrapper: the body stream can be read only once. Each batch commits on its own.
    async (req) => importSkusCsv(app.orm.em, csvBody(req)),
  );

  app.get(
    '/catalog/skus.csv',
    {
      config: { roles: ['any'], scopes: ['catalog:read'] },
      schema: {
        tags: ['catalog'],
        summary: 'The whole catalog as CSV (streamed, same columns as the import)',
        response: { 200: z.string(), ...problems },
      },
    },
    async (_req, reply) => {
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="skus.csv"');
      return reply.send(Readable.from(exportSkusCsv(app.orm.em.fork())) as unknown as string);
    },
  );
}
