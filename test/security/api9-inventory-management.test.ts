import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RegisteredRoute } from '../../api/app.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

/**
 * OWASP API9:2023 Improper Inventory Management: the API that is served is the API that is documented. Every route
 * the server answers is in /openapi.json (no shadow or debug routes), every documented operation is served, there is
 * one version (/v1), and the documentation surfaces are switched by configuration.
 */
let sys: TestSystem;
let routes: RegisteredRoute[];
let doc: { paths: Record<string, Record<string, unknown>> };
/** Served but deliberately not in the API document: framework files (docs UI, console) and the probes' siblings. */
const UNDOCUMENTED = new Set([
  'OPTIONS *',
  'GET /docs',
  'GET /docs/static/index.html',
  'GET /docs/static/swagger-initializer.js',
  'GET /docs/json',
  'GET /docs/yaml',
  'GET /docs/static/*',
  'GET /openapi.json',
  'GET /metrics',
  'GET /console/*',
  'GET /',
]);
const toOpenApi = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

beforeAll(async () => {
  sys = await startTestSystem();
  const app = await buildApp(sys.rt);
  await app.ready();
  routes = app.routeTable;
  await app.close();
  doc = (await http('GET', `${sys.url}/openapi.json`)).body;
});
afterAll(async () => sys?.close());

describe('API9 inventory: served == documented', () => {
  it('every served route is documented, and every documented operation is served', () => {
    const served = new Set(
      routes.map((r) => `${r.method} ${toOpenApi(r.url)}`).filter((k) => !UNDOCUMENTED.has(k.replace(/\{(\w+)\}/g, ':$1'))),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    expect([...served].filter((k) => !documented.has(k))).toEqual([]);
    expect([...documented].filter((k) => !served.has(k))).toEqual([]);
    // Hidden routes are exactly the undocumented framework surfaces.
    expect(
      routes
        .filter((r) => r.hidden)
        .map((r) => `${r.method} ${r.url}`)
        .filter((k) => !UNDOCUMENTED.has(k)),
    ).toEqual([]);
  });

  it('one API version and no debug, test or legacy surfaces', async () => {
    const paths = routes.map((r) => r.url);
    expect(paths.filter((p) => /^\/v(?!1\/)\d/.test(p))).toEqual([]);
    expect(paths.filter((p) => /debug|internal|test|admin\/raw|graphql/i.test(p))).toEqual([]);
    for (const p of ['/v0/orders', '/v2/orders', '/api/v1/orders', '/debug', '/v1/debug/vars', '/.env', '/v1/internal/metrics'])
      expect((await http('GET', `${sys.url}${p}`)).status, p).toBe(404);
  });

  it('documents its version and errors', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'Dockside API', version: expect.any(String) } });
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/v1/') || p.startsWith('/health/'))).toBe(true);
  });
});

describe('API9 documentation surfaces are configuration', () => {
  it('with DOCS_ENABLED=false neither /docs nor /openapi.json is served', async () => {
    const off = await startTestSystem({ env: { DOCS_ENABLED: 'false' } });
    try {
      expect((await http('GET', `${off.url}/docs`)).status).toBe(404);
      expect((await http('GET', `${off.url}/openapi.json`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
