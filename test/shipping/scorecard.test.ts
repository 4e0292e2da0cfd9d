import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { recordTracking } from '../../domain/shipping/tracking.service.js';
import { addDays } from '../../domain/shipping/transit.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { packedShipment } from './packed.js';

import type { IdRow } from '../../domain/shared/rows.js';

type CostRow = { c: number };
let sys: TestSystem;
let sup: TestUser;
let packer: TestUser;
const em = () => sys.rt.orm.em.fork();

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  await seedShipping(em(), sys.wh1);
});
afterAll(() => sys?.close());

const scorecards = async () => {
  const r = await http('GET', `${sys.url}/v1/carrier-scorecards?warehouseId=${sys.wh1}`, { token: sup.token });
  expect(r.status).toBe(200);
  return Object.fromEntries((r.body.carriers as { carrierCode: string }[]).map((c) => [c.carrierCode, c])) as Record<string, any>;
};

describe('carrier scorecard', () => {
  it('comes from the tracking history: on time, first attempt, exceptions, damage, cost per parcel', { timeout: 60_000 }, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1))).shipmentId);
    const labels: { trackingNumber: string; carrier: string }[] = [];
    for (const id of ids) {
      const l = await http('POST', `${sys.url}/v1/shipments/${id}/label`, {
        token: packer.token,
        headers: { 'idempotency-key': `sc-${id}` },
      });
      expect(l.status).toBe(201);
      labels.push(l.body);
    }
    expect(labels.map((l) => l.carrier)).toEqual(['polderpost', 'polderpost', 'polderpost']);
    // 1: delivered on its ETA; 2: a failed first attempt, delivered a day late; 3: damaged in sorting, never delivered.
    expect((await http('POST', `${sys.url}/v1/shipments/${ids[0]}/simulate-tracking`, { token: sup.token })).status).toBe(200);
    expect(
      (await http('POST', `${sys.url}/v1/shipments/${ids[1]}/simulate-tracking?failFirstAttempt=true`, { token: sup.token })).status,
    ).toBe(200);
    await withTx(sys.rt.orm.em, (tx) =>
      recordTracking(
        tx,
        'polderpost',
        {
          trackingNumber: labels[2].trackingNumber,
          status: 'EX',
          detail: 'Parcel damaged in sorting',
          location: {},
          occurredAt: new Date().toISOString(),
        },
        'test',
      ),
    );
    const pp = (await scorecards()).polderpost;
    const costs = await sql<CostRow>(em(), 'select quoted_cost_minor as c from shipment where id = any(?::uuid[])', [`{${ids.join(',')}}`]);
    expect(pp).toEqual({
      carrierCode: 'polderpost',
      parcels: 3,
      delivered: 2,
      deliveredWithTarget: 2,
      onTime: 1,
      onTimeRate: 0.5,
      firstAttemptRate: 0.5,
      exceptionRate: 2 / 3,
      damageRate: 1 / 3,
      costPerParcelMinor: Math.round(costs.reduce((s, c) => s + c.c, 0) / 3),
      currency: 'EUR',
    });
    expect(pp.costPerParcelMinor).toBeGreaterThan(0);
    // Bad input is a problem naming the field.
    const bad = await http('GET', `${sys.url}/v1/carrier-scorecards?warehouseId=${sys.wh1}&from=yesterday`, { token: sup.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
  });

  it('weighs in on selection: a carrier late too often is counted a day late against the promise', { timeout: 60_000 }, async () => {
    const dest = { postalCode: '3011 AD', country: 'NL' };
    const parcels = [{ lengthMm: 300, widthMm: 200, heightMm: 150, weightG: 1200 }];
    const quote = (promiseDate?: string) =>
      http('POST', `${sys.url}/v1/rate-quotes`, {
        token: sup.token,
        body: { warehouseId: sys.wh1, destination: dest, parcels, ...(promiseDate ? { promiseDate } : {}) },
      });
    const open = await quote();
    const pp = open.body.quotes.find((q: any) => q.carrier === 'polderpost');
    const promise = pp.estimatedDelivery as string;
    const before = await quote(promise);
    expect(before.body.chosen).toEqual({ carrier: 'polderpost', service: 'standard' });
    // 25 PolderPost parcels of the last weeks, 15 of them delivered two days after their promise: 60% + the 2 above.
    await withTx(sys.rt.orm.em, async (tx) => {
      for (let i = 0; i < 25; i++) {
        const target = addDays(promise, -10);
        const s = (await sqlOne<IdRow>(
          tx,
          `insert into shipment (warehouse_id, status, carrier_code, service_code, tracking_number, promise_date, labelled_at, weight_g)
          values (?, 'delivered', 'polderpost', 'standard', ?, ?::date, now() - interval '12 days', 1000) returning id`,
          [sys.wh1, `PPHIST${i}`, target],
        ))!;
        const deliveredDay = i < 15 ? addDays(target, 2) : target;
        await sql(
          tx,
          `insert into tracking_event (shipment_id, status, occurred_at, source) values (?, 'delivered', ?::timestamptz, 'test')`,
          [s.id, `${deliveredDay}T11:00:00Z`],
        );
      }
    });
    const card = (await scorecards()).polderpost;
    expect(card.onTimeRate).toBeLessThan(0.9);
    expect(card.deliveredWithTarget).toBeGreaterThanOrEqual(20);
    const after = await quote(promise);
    expect(after.body.chosen.carrier).not.toBe('polderpost');
    expect(after.body.quotes.find((q: any) => q.carrier === 'polderpost')).toMatchObject({ riskDays: 1, meetsPromise: false });
    expect(after.body.reason).toMatch(/polderpost\/standard counted 1 day\(s\) late for a scorecard below the on-time bar/);
  });
});
