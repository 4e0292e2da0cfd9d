import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyBase64Hmac } from '../../domain/orders/hmac.js';
import { keyRing } from '../../domain/orders/secret-box.js';
import { BadRequest, Unauthorized } from '../../domain/shared/errors.js';
import { carrierWebhookSecrets } from '../../domain/shipping/carrier.service.js';
import { getShipment } from '../../domain/shipping/shipment-queries.js';
import { carrierTrackingEvent, recordTracking, simulatedEvents } from '../../domain/shipping/tracking.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/**
 * Carrier tracking webhooks in: the raw bytes are kept (parser scoped to this plugin) and verified first, in constant
 * time, against the HMAC-SHA256 (base64, header `X-Carrier-Signature`) keyed with any of the carrier's account webhook
 * secrets; then parsed and recorded. And a simulator that plays a realistic event sequence for a demo parcel.
 */
export async function trackingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ring = keyRing(app.config.SECRETS_KEY, app.config.orders.previousSecretKeys);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const rateLimit = {
    max: app.config.WEBHOOK_RATE_LIMIT_PER_MIN,
    timeWindow: '1 minute',
    keyGenerator: (req: FastifyRequest) => `carrier:${(req.params as { carrier?: string }).carrier ?? ''}`,
  };

  app.post(
    '/carrier-webhooks/:carrier',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['shipping'],
        summary: 'Tracking events from a carrier (HMAC-SHA256 of the raw body, base64, in X-Carrier-Signature)',
        params: z.object({ carrier: z.string().regex(/^[a-z0-9-]{2,40}$/) }),
        response: { 200: z.object({ events: z.number().int(), recorded: z.number().int() }), ...problems },
      },
    },
    async (req) => {
      const raw = req.body as Buffer | undefined;
      const sig = req.headers['x-carrier-signature'];
      const secrets = await carrierWebhookSecrets(app.orm.em.fork(), ring, req.params.carrier);
      if (!raw || typeof sig !== 'string' || !secrets.some((s) => verifyBase64Hmac(s, raw, sig)))
        throw new Unauthorized('Bad carrier webhook signature');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new BadRequest('body is not JSON', [{ path: 'body', message: 'invalid JSON' }]);
      }
      const list = z.object({ events: z.array(carrierTrackingEvent).min(1).max(500) }).safeParse(parsed);
      if (!list.success)
        throw new BadRequest(
          'tracking events do not match the schema',
          list.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })),
        );
      let recorded = 0;
      for (const e of list.data.events)
        if ((await withTx(app.orm.em, (tx) => recordTracking(tx, req.params.carrier, e, `webhook:${req.params.carrier}`))).recorded)
          recorded++;
      return { events: list.data.events.length, recorded };
    },
  );

  app.post(
    '/shipments/:shipmentId/simulate-tracking',
    {
      config: { roles: ['supervisor', 'dispatcher'] },
      schema: {
        tags: ['shipping'],
        summary: 'Demo carriers: play a realistic tracking sequence (hub scans, out for delivery, delivered on the ETA)',
        params: z.object({ shipmentId: z.uuid() }),
        querystring: z.object({ failFirstAttempt: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ events: z.number().int(), recorded: z.number().int() }), ...problems },
      },
    },
    async (req) => {
      const s = await getShipment(app.orm.em.fork(), actorOf(req), req.params.shipmentId);
      if (!s.trackingNumber || !s.carrierCode)
        throw new BadRequest('The shipment has no label yet', [{ path: 'params.shipmentId', message: 'not labelled' }]);
      const ship = (s.labelledAt ?? new Date().toISOString()).slice(0, 10);
      const events = simulatedEvents(s.trackingNumber, ship, s.estimatedDelivery ?? ship, {
        failFirstAttempt: req.query.failFirstAttempt === 'true',
        destCity: String(s.shipTo.city ?? 'Destination'),
      });
      let recorded = 0;
      for (const e of events)
        if ((await withTx(app.orm.em, (tx) => recordTracking(tx, s.carrierCode!, e, 'simulator'))).recorded) recorded++;
      return { events: events.length, recorded };
    },
  );
}
