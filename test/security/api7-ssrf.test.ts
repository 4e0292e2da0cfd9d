import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeRequest, type Resolver, type SafeHttpOptions } from '../../workers/safe-http.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';
import { listen, type Listener } from './listeners.js';

/**
 * OWASP API7:2023 Server Side Request Forgery. Only loopback listeners: 127.0.0.1 plays the internal service
 * (never allow-listed) and 127.0.0.2 plays a public host (allow-listed as if it were), on the same port so a
 * rebinding name can point at either.
 */
let internal: Listener;
let pub: Listener;
const base: SafeHttpOptions = { allowPrivate: ['127.0.0.2/32'], allowHttp: true, timeoutMs: 5000, maxBodyBytes: 1024 * 1024 };
const get = (url: string, o: Partial<SafeHttpOptions> = {}) => safeRequest({ ...base, ...o }, url, { method: 'GET', headers: {} });

beforeAll(async () => {
  pub = await listen('127.0.0.2', (req, res) => {
    if (req.url === '/redirect') return res.writeHead(302, { location: `${internal.url}/` }).end();
    if (req.url === '/redirect-literal') return res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${internal.port}/` }).end();
    if (req.url === '/huge' || req.url === '/huge-declared') {
      // 100 MB, written in 64 KiB chunks as fast as the client reads; stops when the client hangs up.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const total = 100 * 1024 * 1024;
      if (req.url === '/huge-declared') res.setHeader('content-length', String(total));
      let sent = 0;
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          hugeSent = sent;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      return pump();
    }
    res.end('public answer');
  });
  internal = await listen('127.0.0.1', undefined, pub.port);
});
afterAll(async () => {
  await pub?.close();
  await internal?.close();
});
let hugeSent = 0;

describe('API7 SSRF: address literals are classified, whatever their spelling', () => {
  it.each([
    '[::ffff:127.0.0.1]', // the reported bypass (becomes ::ffff:7f00:1)
    '[::ffff:7f00:1]',
    '[::7f00:1]', // IPv4-compatible
    '[::127.0.0.1]',
    '[64:ff9b::7f00:1]', // NAT64
    '0.0.0.0',
    '[::]',
    '2130706433', // decimal
    '0x7f.1', // hex
    '0x7f000001',
    '017700000001', // octal
    '127.1',
    'localhost',
  ])('http://%s refused without a connection', async (host) => {
    const before = internal.connections;
    const r = await get(`http://${host}:${internal.port}/`, { allowPrivate: [] });
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/^refused:/);
    expect(r.body).toBe('');
    expect(internal.connections).toBe(before);
  });

  it.each(['169.254.169.254', '[fd00:ec2::254]', '100.100.100.200', '168.63.129.16', '10.0.0.5', '192.168.1.1'])(
    'metadata and private address %s refused before any connect',
    async (host) => {
      const r = await get(`http://${host}/latest/meta-data/`);
      expect(r.error).toMatch(/^refused:.*private address/);
    },
  );
});

describe('API7 SSRF: names, redirects, rebinding, size', () => {
  it('refuses a name that resolves to a private address (any of its answers)', async () => {
    const before = internal.connections;
    const privateName: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    expect((await get(`http://internal.example:${internal.port}/`, { resolve: privateName })).error).toMatch(
      /resolves to private address 127.0.0.1/,
    );
    const split: Resolver = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '::ffff:7f00:1', family: 6 },
    ];
    expect((await get(`http://split.example:${internal.port}/`, { resolve: split })).error).toMatch(/private address/);
    expect(internal.connections).toBe(before);
  });

  it('does not follow a redirect to an internal address: the 3xx comes back, the internal listener sees nothing', async () => {
    const before = internal.connections;
    for (const path of ['/redirect', '/redirect-literal']) {
      const r = await get(`${pub.url}${path}`);
      expect([302, 307]).toContain(r.status);
      expect(r.body).not.toContain('secret');
    }
    expect(internal.connections).toBe(before);
  });

  it('pins the connection to the checked address: a name rebinding between check and connect still lands on the checked one', async () => {
    let lookups = 0;
    // First answer public, every later answer internal: the classic rebinding script.
    const rebinding: Resolver = async () => [{ address: lookups++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    const beforeInternal = internal.connections;
    const r = await get(`http://rebind.example:${pub.port}/`, { resolve: rebinding });
    expect(r.status).toBe(200);
    expect(r.body).toBe('public answer');
    expect(lookups).toBe(1);
    expect(internal.connections).toBe(beforeInternal);
    // A second call resolves afresh, now privately, and is refused before connecting.
    const again = await get(`http://rebind.example:${pub.port}/`, { resolve: rebinding });
    expect(again.error).toMatch(/private address 127.0.0.1/);
    expect(internal.connections).toBe(beforeInternal);
  });

  it('stops reading a 100 MB response at the cap (streamed) and refuses a declared one before reading', async () => {
    const r = await get(`${pub.url}/huge`);
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/larger than 1048576 bytes/);
    await new Promise((res) => setTimeout(res, 50));
    expect(hugeSent).toBeLessThan(50 * 1024 * 1024);
    hugeSent = 0;
    const declared = await get(`${pub.url}/huge-declared`);
    expect(declared.error).toMatch(/content-length 104857600/);
    expect(hugeSent).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses http: when only https is allowed (production), without connecting', async () => {
    const before = pub.connections;
    const r = await get(`${pub.url}/`, { allowHttp: false });
    expect(r.error).toMatch(/https/);
    expect(pub.connections).toBe(before);
  });
});

describe('API7 SSRF: through the API', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    // As in production: no private range allowed (the test default opens loopback for the other suites).
    sys = await startTestSystem({ env: { OUTBOUND_ALLOW_PRIVATE: '198.51.100.1/32' } });
  });
  afterAll(async () => sys?.close());

  it('rejects webhook subscriptions to internal targets in every spelling (422 problem+json naming url)', async () => {
    const admin = await sys.user('admin', ['admin'], []);
    for (const url of [
      `http://[::ffff:127.0.0.1]:${internal.port}/`,
      `http://2130706433:${internal.port}/`,
      `http://0x7f.1:${internal.port}/`,
      `http://localhost:${internal.port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::]/',
    ]) {
      const r = await http('POST', `${sys.url}/v1/webhook-subscriptions`, { token: admin.token, body: { url, eventTypes: ['*'] } });
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(r.status, url).toBeLessThan(500);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      expect(r.body.errors[0].path).toBe('url');
    }
  });
});
