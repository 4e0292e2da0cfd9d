import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignNextPage, nextPollUrl } from '../../domain/orders/reconciliation.js';
import { safeRequest } from '../../workers/safe-http.js';
import { listen, type Listener } from './listeners.js';

/** OWASP API10:2023 Unsafe Consumption of APIs: what a storefront answers is not trusted. */
const shopPage = 'https://shop-a.myshopify.com/admin/api/2024-10/orders.json?limit=250';

describe('API10 the reconciliation poll keeps the storefront token on the shop', () => {
  it('follows Link next on the same origin only', () => {
    expect(
      nextPollUrl(
        'shopify',
        shopPage,
        { link: '<https://shop-a.myshopify.com/admin/api/2024-10/orders.json?page_info=p2>; rel="next"' },
        250,
      ),
    ).toBe('https://shop-a.myshopify.com/admin/api/2024-10/orders.json?page_info=p2');
    expect(nextPollUrl('shopify', shopPage, { link: '</admin/api/2024-10/orders.json?page_info=p3>; rel="next"' }, 250)).toBe(
      'https://shop-a.myshopify.com/admin/api/2024-10/orders.json?page_info=p3',
    );
  });

  it.each([
    'https://attacker.example/collect',
    'http://shop-a.myshopify.com/admin/api/2024-10/orders.json', // downgrade
    'https://shop-a.myshopify.com:8443/x', // other port
    'https://shop-a.myshopify.com.attacker.example/x',
    'https://shop-a.myshopify.com@attacker.example/x',
    'http://169.254.169.254/latest/meta-data/',
  ])('refuses Link next to %s', (next) => {
    expect(() => nextPollUrl('shopify', shopPage, { link: `<${next}>; rel="next"` }, 250)).toThrow(ForeignNextPage);
  });
});

describe('API10 storefront answers are bounded while read', () => {
  let store: Listener;
  beforeAll(async () => {
    store = await listen('127.0.0.2', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"orders":[');
      const chunk = Buffer.alloc(32 * 1024, ' ');
      let n = 0;
      const pump = () => {
        while (n++ < 2000 && !res.destroyed) if (!res.write(chunk)) return void res.once('drain', pump);
        if (!res.destroyed) res.end(']}');
      };
      pump();
    });
  });
  afterAll(async () => store?.close());

  it('a 64 MB poll page fails at the cap instead of being buffered whole', async () => {
    const r = await safeRequest(
      { allowPrivate: ['127.0.0.2/32'], allowHttp: true, timeoutMs: 5000, maxBodyBytes: 256 * 1024 },
      `${store.url}/orders.json`,
      { method: 'GET', headers: { 'x-shopify-access-token': 'shpat_x' } },
    );
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/larger than 262144 bytes/);
  });
});
