import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { ordersSettings } from '../../domain/orders/orders.settings.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

/** OWASP API8:2023 Security Misconfiguration: headers, CORS, exposed surfaces, fail-open defaults. */
describe('API8 fail-closed defaults (NODE_ENV unset)', () => {
  it('refuses to start without real secrets, and never with demo data', () => {
    expect(() => loadConfig({})).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEY/);
    expect(() => loadConfig({ JWT_SECRET: 'k'.repeat(40), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), DEMO_DATA: 'yes' })).toThrow(
      /DEMO_DATA/,
    );
  });

  it('opens neither http callbacks nor loopback targets outside development/test', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      const s = ordersSettings(env);
      expect(s.allowHttp).toBe(false);
      expect(s.allowPrivate).toEqual([]);
    }
    expect(ordersSettings({ NODE_ENV: 'development' }).allowHttp).toBe(true);
  });
});

describe('API8 headers and surfaces (test environment)', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { CORS_ORIGINS: 'https://console.example' } });
  });
  afterAll(async () => sys?.close());

  it('sends security headers and no X-Powered-By', async () => {
    const r = await http('GET', `${sys.url}/health/live`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(r.headers.get('x-frame-options')).toBeTruthy();
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it("answers a storefront webhook with an API's security headers, not a page's", async () => {
    // An unknown connector: the route runs (rate limit included) and answers 404 problem+json.
    const r = await http('POST', `${sys.url}/v1/webhooks/shopify/00000000-0000-4000-8000-000000000000`, {
      raw: '{}',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    });
    expect(r.status).toBe(404);
    // The OWASP REST Security Cheat Sheet's set for API responses.
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(r.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('cache-control')).toBe('no-store');
    // Nothing a browser needs to render a page, and no rate-limit counts on every answer.
    for (const h of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-ratelimit-remaining'])
      expect(r.headers.get(h), h).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('never reflects an arbitrary origin; credentials only for the allow-list', async () => {
    const evil = await http('OPTIONS', `${sys.url}/v1/auth/me`, {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const good = await http('OPTIONS', `${sys.url}/v1/auth/me`, {
      headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' },
    });
    expect(good.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(good.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('API8 /metrics and /docs are gated by configuration', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { DOCS_ENABLED: 'false', METRICS_TOKEN: 'scrape-token-0123456789' } });
  });
  afterAll(async () => sys?.close());

  it('hides the docs and requires the scrape token', async () => {
    expect((await http('GET', `${sys.url}/openapi.json`)).status).toBe(404);
    expect((await http('GET', `${sys.url}/docs`)).status).toBe(404);
    const anon = await http('GET', `${sys.url}/metrics`);
    expect(anon.status).toBe(404);
    expect(anon.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await http('GET', `${sys.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(404);
    const ok = await http('GET', `${sys.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
  });
});
