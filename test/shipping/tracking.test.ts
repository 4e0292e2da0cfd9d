import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersSettings } from '../../domain/orders/orders.settings.js';
import { keyRing } from '../../domain/orders/secret-box.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { upsertCarrierAccount } from '../../domain/shipping/carrier.service.js';
import { normalizeTrackingStatus } from '../../domain/shipping/tracking.service.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { packedShipment } from './packed.js';

import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';
import type { TrackingEventRow } from '../../domain/shipping/entities/tracking-event.entity.js';

type RoomEventRow = Pick<OutboxRow, 'rooms'> & { payload: any };
let sys: TestSystem;
let sup: TestUser;
const SECRET = 'polderpost-webhook-secret-0123456789';
const em = () => sys.rt.orm.em.fork();

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  await seedShipping(em(), sys.wh1);
  const ring = keyRing(sys.config.SECRETS_KEY, ordersSettings(process.env).previousSecretKeys);
  await withTx(sys.rt.orm.em, (tx) =>
    upsertCarrierAccount(tx, ring, { warehouseId: sys.wh1, carrier: 'polderpost', accountNumber: 'PP-1', webhookSecret: SECRET }),
  );
});
afterAll(() => sys?.close());

const post = (raw: string, signature: string) =>
  http('POST', `${sys.url}/v1/carrier-webhooks/polderpost`, {
    raw,
    headers: { 'content-type': 'application/json', 'x-carrier-signature': signature },
  });
const sign = (raw: string, secret = SECRET) => createHmac('sha256', secret).update(raw).digest('base64');

describe('tracking', () => {
  it('normalizes every carrier vocabulary onto ours', () => {
    expect(['pre_transit', 'TRANSIT', 'IT', 'de', 'RETURNED', 'cancelled', 'SP', 'at', 'unknown'].map(normalizeTrackingStatus)).toEqual([
      'pre_transit',
      'in_transit',
      'in_transit',
      'delivered',
      'return_to_sender',
      'exception',
      'available_for_pickup',
      'failure',
      undefined,
    ]);
  });

  it('takes signed carrier webhooks over the raw body, once per event; bad signatures are refused', async () => {
    const { shipmentId } = await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1));
    const label = await http('POST', `${sys.url}/v1/shipments/${shipmentId}/label`, { token: sup.token });
    expect(label.status).toBe(201);
    const raw = JSON.stringify({
      events: [
        {
          trackingNumber: label.body.trackingNumber,
          status: 'IT',
          detail: 'Received at origin hub',
          location: { city: 'Amsterdam' },
          occurredAt: '2026-12-04T19:30:00Z',
          estimatedDelivery: '2026-12-08',
        },
      ],
    });
    expect((await post(raw, sign(raw, 'not-the-secret'))).status).toBe(401);
    expect((await post(raw + ' ', sign(raw))).status).toBe(401); // a changed byte breaks the signature
    const ok = await post(raw, sign(raw));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ events: 1, recorded: 1 });
    expect((await post(raw, sign(raw))).body).toEqual({ events: 1, recorded: 0 });
    const s = (await http('GET', `${sys.url}/v1/shipments/${shipmentId}`, { token: sup.token })).body;
    expect([s.status, s.trackingStatus, s.estimatedDelivery]).toEqual(['in_transit', 'in_transit', '2026-12-08']);
    const ev = await sqlOne<RoomEventRow>(em(), `select rooms, payload from outbox where type = 'shipment.tracking_updated'`);
    expect(ev!.rooms).toContain(`shipment:${shipmentId}`);
    expect(ev!.payload).toMatchObject({ status: 'in_transit', location: { city: 'Amsterdam' } });
  });

  it('the simulator plays hub scans, a failed first attempt and the delivery; the ETA moves and the shipment is delivered', async () => {
    const { shipmentId } = await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1));
    await http('POST', `${sys.url}/v1/shipments/${shipmentId}/label`, { token: sup.token });
    const r = await http('POST', `${sys.url}/v1/shipments/${shipmentId}/simulate-tracking?failFirstAttempt=true`, { token: sup.token });
    expect(r.body).toEqual({ events: 7, recorded: 7 });
    const s = (await http('GET', `${sys.url}/v1/shipments/${shipmentId}`, { token: sup.token })).body;
    expect([s.status, s.trackingStatus]).toEqual(['delivered', 'delivered']);
    const rows = await sql<Pick<TrackingEventRow, 'status'>>(
      em(),
      'select status from tracking_event where shipment_id = ? order by occurred_at',
      [shipmentId],
    );
    expect(rows.map((x) => x.status)).toEqual([
      'pre_transit',
      'in_transit',
      'in_transit',
      'out_for_delivery',
      'failure',
      'out_for_delivery',
      'delivered',
    ]);
    expect(
      await sqlOne(em(), `select 1 as x from outbox where type = 'shipment.delivered' and payload->>'shipmentId' = ?`, [shipmentId]),
    ).toEqual({ x: 1 });
    expect(await sqlOne(em(), `select kind from shipping_exception where shipment_id = ?`, [shipmentId])).toEqual({
      kind: 'tracking-failure',
    });
  });
});
