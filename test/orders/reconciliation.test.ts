import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { count, createConnector, drained, fixtureRaw, postWoo, waitFor } from './helpers.js';
import { startFakeWooStore } from './fake-store.js';
import type { ConnectorRow } from '../../domain/orders/entities/connector.entity.js';

import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';

type LastPolledRow = { t: ConnectorRow['last_polled_at'] };
type DistinctCountRow = { n: string; d: string };
let sys: TestSystem;
let admin: TestUser;
let store: Awaited<ReturnType<typeof startFakeWooStore>>;
const SECRET = 'woo-reconcile-secret';

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { RECONCILE_EVERY_MS: '300' } });
  admin = await sys.user('admin', ['admin'], []);
  store = await startFakeWooStore(JSON.parse(fixtureRaw('woocommerce/order.created.wc-5.6-processing-stripe.json')));
});
afterAll(async () => {
  await store?.close();
  await sys?.close();
});

const lastPolled = async (connectorId: string) => {
  const t = (await sql<LastPolledRow>(sys.rt.orm.em.fork(), 'select last_polled_at as t from connector where id = ?', [connectorId]))[0]?.t;
  return t ? new Date(t).getTime() : 0;
};
const polls = async (connectorId: string) => {
  const before = store.requests.length;
  const prev = await lastPolled(connectorId);
  const r = await http('POST', `${sys.url}/v1/connectors/${connectorId}/poll`, { token: admin.token });
  expect(r.status).toBe(202);
  await waitFor(async () => store.requests.length > before, 'store polled');
  await waitFor(async () => (await lastPolled(connectorId)) > prev, 'poll finished');
  await drained(sys, connectorId);
};

describe('reconciliation poll against a fake WooCommerce store', () => {
  it('imports every order once with webhooks off, across pages, and again finds nothing new', async () => {
    const now = Date.now();
    for (let i = 0; i < 130; i++) store.put(1000 + i, new Date(now - (130 - i) * 1000));
    const c = await createConnector(sys, admin.token, {
      kind: 'woocommerce',
      name: 'polled',
      siteUrl: store.url,
      webhookSecret: SECRET,
      apiToken: 'ck_abc:cs_def',
      webhooksEnabled: false,
      pollIntervalS: 3600,
    });
    await polls(c.id);
    expect(await count(sys, 'select count(*) as n from sales_order where connector_id = ?', [c.id])).toBe(130);
    const pages = store.requests.filter((r) => r.url.includes('modified_after'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ck_abc:cs_def').toString('base64')}`);
    const deliveries = await count(sys, 'select count(*) as n from webhook_delivery where connector_id = ?', [c.id]);
    await polls(c.id);
    expect(await count(sys, 'select count(*) as n from sales_order where connector_id = ?', [c.id])).toBe(130);
    expect(await count(sys, 'select count(*) as n from webhook_delivery where connector_id = ?', [c.id])).toBe(deliveries);
    // A modification in the store is picked up by the next poll (newer updated_at wins).
    store.put(1005, new Date(), { customer_note: 'leave at the door' });
    await polls(c.id);
    const [o] = await sql<Pick<SalesOrderRow, 'notes'>>(
      sys.rt.orm.em.fork(),
      `select notes from sales_order where connector_id = ? and external_id = '1005'`,
      [c.id],
    );
    expect(o!.notes).toBe('leave at the door');
    expect(await count(sys, 'select count(*) as n from sales_order where connector_id = ?', [c.id])).toBe(130);
  });

  it('imports each order once when webhooks and the poll both deliver it', async () => {
    const c = await createConnector(sys, admin.token, {
      kind: 'woocommerce',
      name: 'both',
      siteUrl: store.url,
      webhookSecret: SECRET,
      apiToken: 'ck_abc:cs_def',
      pollIntervalS: 3600,
    });
    const ids = Array.from({ length: 20 }, (_, i) => 5000 + i);
    const at = new Date();
    // Webhooks deliver every other order (the rest were "lost"); the store has them all.
    for (const id of ids) {
      const o = store.put(id, at);
      if (id % 2 === 0) expect((await postWoo(sys, c.id, SECRET, JSON.stringify(o), { deliveryId: `d-${id}` })).status).toBe(200);
    }
    await drained(sys, c.id);
    await polls(c.id);
    const [r] = await sql<DistinctCountRow>(
      sys.rt.orm.em.fork(),
      `select count(*) as n, count(distinct external_id) as d from sales_order where connector_id = ? and external_id::int between 5000 and 5019`,
      [c.id],
    );
    expect(Number(r!.n)).toBe(20);
    expect(Number(r!.d)).toBe(20);
    expect(
      await count(
        sys,
        `select count(*) as n from order_log l join sales_order o on o.id = l.order_id where o.connector_id = ? and o.external_id::int between 5000 and 5019 and l.action = 'created'`,
        [c.id],
      ),
    ).toBe(20);
  });

  it('runs on its own schedule (repeatable job registered by the sweep)', async () => {
    const c = await createConnector(sys, admin.token, {
      kind: 'woocommerce',
      name: 'scheduled',
      siteUrl: store.url,
      webhookSecret: SECRET,
      pollIntervalS: 5,
    });
    await waitFor(
      async () => (await sql<LastPolledRow>(sys.rt.orm.em.fork(), 'select last_polled_at as t from connector where id = ?', [c.id]))[0]?.t,
      'scheduled poll',
      40_000,
    );
    const schedulers = await sys.rt.queues.get('reconciliation').getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual(expect.arrayContaining(['sweep', `poll-${c.id}`]));
  });
});
