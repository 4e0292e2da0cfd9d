import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveScan } from '../../domain/inventory/scan-resolve.js';
import { scanMatchView } from '../../domain/inventory/inventory.schemas.js';
import { ScanError, ScanRequestSchema, ScanResultSchema, parseScan } from '../../domain/scanning/index.js';
import { DomainError } from '../../domain/shared/errors.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };

/** A rejected scan as a 422 problem whose type names the reason (scan-bad-check-digit, scan-unknown-ai, …). */
export function scanProblem(e: ScanError, path = 'body.raw'): DomainError {
  return new DomainError(`scan-${e.code}`, 422, 'Scan rejected', e.detail, [{ path, message: e.detail, code: e.code }], {
    code: e.code,
    ...(e.ai !== undefined ? { ai: e.ai } : {}),
    ...(e.position !== undefined ? { position: e.position } : {}),
  });
}

async function mapScanErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // Translate the pure parser's error into the API's problem type; anything else propagates untouched.
    if (e instanceof ScanError) throw scanProblem(e);
    throw e;
  }
}

const resolveBody = ScanRequestSchema.extend({ warehouseId: z.uuid(), fnc1Substitute: z.string().length(1).optional() });

/** /v1/scans: parse what a scanner sent, and resolve it to a SKU / location / LPN with its stock. */
export async function scanRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/scans/parse',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['scanning'],
        summary: 'Parse a raw scan (GS1-128/DataMatrix/QR element strings, Digital Link, GTIN, SSCC, location, LPN)',
        body: ScanRequestSchema.extend({ fnc1Substitute: z.string().length(1).optional() }),
        response: { 200: ScanResultSchema, ...problems },
      },
    },
    async (req) => mapScanErrors(() => parseScan(req.body.raw, { fnc1Substitute: req.body.fnc1Substitute, now: app.clock.now() })),
  );

  app.post(
    '/scans/resolve',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['scanning'],
        summary: 'Resolve a scan to the SKU / location / LPN it names, with its stock in the warehouse',
        body: resolveBody,
        response: { 200: z.object({ scan: ScanResultSchema, match: scanMatchView }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return mapScanErrors(() =>
        resolveScan(app.orm.em.fork(), req.body.warehouseId, req.body.raw, {
          fnc1Substitute: req.body.fnc1Substitute,
          now: app.clock.now(),
        }),
      );
    },
  );
}
