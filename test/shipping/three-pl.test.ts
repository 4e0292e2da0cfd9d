import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { DEMO_CARRIERS, seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { pdfText } from './decode.js';
import { packedShipment } from './packed.js';

import type { RateCardRow } from '../../domain/shipping/entities/rate-card.entity.js';
import type { CountRow } from '../../domain/shared/rows.js';
import type { StockMovementRow } from '../../domain/inventory/entities/stock-movement.entity.js';
let sys: TestSystem;
let sup: TestUser;
let packer: TestUser;
const em = () => sys.rt.orm.em.fork();
const KOLN = { name: 'Lena Schmidt', address1: 'Hohe Straße 5', city: 'Köln', postcode: '50667', countryCode: 'DE' };

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  await seedShipping(em(), sys.wh1);
});
afterAll(() => sys?.close());

describe('3PL partner (demo carrier)', () => {
  it('is in the demo carriers, with a dated rate card for the zone it serves', async () => {
    expect(DEMO_CARRIERS.find((c) => c.mode === '3pl')?.code).toBe('rhine-3pl');
    const card = await sqlOne<Pick<RateCardRow, 'version'>>(
      em(),
      `select r.version from rate_card r join carrier c on c.id = r.carrier_id where c.code = 'rhine-3pl' and r.service_code = 'regional'`,
    );
    expect(card?.version).toBe(1);
    // Seeding again adds nothing (no second card version).
    await seedShipping(em(), sys.wh1);
    expect(
      (await sqlOne<CountRow>(
        em(),
        `select count(*)::int as n from rate_card r join carrier c on c.id = r.carrier_id where c.code = 'rhine-3pl'`,
      ))!.n,
    ).toBe(1);
  });

  it(
    'takes a heavy cross-border parcel, is handed over against a named driver, ships it, and is scored from its tracking',
    { timeout: 60_000 },
    async () => {
      const { shipmentId, lpnId } = await withTx(sys.rt.orm.em, (tx) =>
        packedShipment(tx, sys.wh1, { shipTo: KOLN, dims: [600, 400, 400], weightG: 9500, qty: 2 }),
      );
      const sel = await http('POST', `${sys.url}/v1/shipments/${shipmentId}/select-carrier`, { token: packer.token });
      expect(sel.status).toBe(200);
      expect(sel.body).toMatchObject({ carrier: 'rhine-3pl', service: 'regional', deliveryMode: '3pl' });
      // Not offered where its card has no zone (domestic).
      const dom = await http('POST', `${sys.url}/v1/rate-quotes`, {
        token: packer.token,
        body: {
          warehouseId: sys.wh1,
          destination: { postalCode: '3011 AD', country: 'NL' },
          parcels: [{ lengthMm: 600, widthMm: 400, heightMm: 400, weightG: 9500 }],
        },
      });
      expect(dom.body.ineligible).toContainEqual({
        carrier: 'rhine-3pl',
        service: 'regional',
        reason: 'zone 1 is not served by this card',
      });

      const label = await http('POST', `${sys.url}/v1/shipments/${shipmentId}/label`, {
        token: packer.token,
        headers: { 'idempotency-key': '3pl-1' },
      });
      expect(label.status).toBe(201);
      expect(label.body.trackingNumber).toMatch(/^RF/);

      // The handover: without a named driver it is refused, naming the field; nothing left stock.
      const unnamed = await http('POST', `${sys.url}/v1/manifests`, {
        token: sup.token,
        body: { warehouseId: sys.wh1, carrier: 'rhine-3pl' },
      });
      expect(unnamed.status).toBe(422);
      expect(unnamed.body.errors[0].path).toBe('body.handedOverTo.name');
      expect(
        (await sqlOne<CountRow>(em(), `select count(*)::int as n from stock_movement where type = 'ship' and ref_id = ?`, [shipmentId]))!.n,
      ).toBe(0);
      const m = await http('POST', `${sys.url}/v1/manifests`, {
        token: sup.token,
        body: { warehouseId: sys.wh1, carrier: 'rhine-3pl', handedOverTo: { name: 'Jan Kowalski', vehicleRegistration: 'VX-123-Z' } },
      });
      expect(m.status).toBe(201);
      expect(m.body.handedOverTo).toEqual({ name: 'Jan Kowalski', vehicleRegistration: 'VX-123-Z' });
      expect(m.body.shipments.map((s: { id: string }) => s.id)).toEqual([shipmentId]);
      const moves = await sql<Pick<StockMovementRow, 'qty'>>(
        em(),
        `select qty from stock_movement where type = 'ship' and ref_type = 'shipment' and ref_id = ?`,
        [shipmentId],
      );
      expect(moves).toEqual([{ qty: 2 }]);
      expect(
        (await sqlOne<CountRow>(em(), 'select coalesce(sum(on_hand), 0)::int as n from stock_balance where lpn_id = ?', [lpnId]))!.n,
      ).toBe(0);
      const pdf = await fetch(`${sys.url}/v1/manifests/${m.body.id}?format=pdf`, { headers: { authorization: `Bearer ${sup.token}` } });
      expect(pdf.status).toBe(200);
      expect(await pdfText(Buffer.from(await pdf.arrayBuffer()))).toContain('Handed over to: Jan Kowalski, vehicle VX-123-Z');

      // Its tracking (simulated) feeds its scorecard, next to the other carriers'.
      expect((await http('POST', `${sys.url}/v1/shipments/${shipmentId}/simulate-tracking`, { token: sup.token })).status).toBe(200);
      const cards = await http('GET', `${sys.url}/v1/carrier-scorecards?warehouseId=${sys.wh1}`, { token: sup.token });
      expect(cards.body.carriers).toContainEqual(
        expect.objectContaining({
          carrierCode: 'rhine-3pl',
          parcels: 1,
          delivered: 1,
          onTimeRate: 1,
          firstAttemptRate: 1,
          exceptionRate: 0,
        }),
      );
    },
  );
});
