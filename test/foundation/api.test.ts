import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let admin: TestUser;
let sup1: TestUser;
let picker: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.user('admin', ['admin'], []);
  sup1 = await sys.user('sup1', ['supervisor'], [sys.wh1], { password: 'correct horse' });
  picker = await sys.user('pick1', ['picker'], [sys.wh1], { badge: 'BADGE-1', pin: '4321' });
});
afterAll(async () => sys?.close());

describe('health, docs, metrics', () => {
  it('reports liveness and readiness of Postgres and Redis', async () => {
    expect((await http('GET', `${sys.url}/health/live`)).status).toBe(200);
    const ready = await http('GET', `${sys.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('serves an OpenAPI document generated from the zod schemas and a docs UI', async () => {
    const doc = await http('GET', `${sys.url}/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/v1/auth/login'].post.requestBody).toBeDefined();
    expect(doc.body.paths['/v1/warehouses/{warehouseId}']).toBeDefined();
    const ui = await fetch(`${sys.url}/docs/`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
  });

  it('exposes Prometheus metrics with HTTP latency histograms and queue depths', async () => {
    const m = await http('GET', `${sys.url}/metrics`);
    expect(m.text).toContain('http_request_duration_seconds_bucket');
    expect(m.text).toContain('queue_jobs');
    expect(m.text).toContain('socket_connections');
  });
});

describe('problem+json errors', () => {
  it('lists every bad field of a validation failure', async () => {
    const r = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: '', password: 42 } });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.type).toBe('https://dockside.dev/problems/validation-error');
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password']));
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const r = await http('POST', `${sys.url}/v1/auth/login`, { raw: '{"username": "a",', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.type).toContain('malformed-json');
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const r = await http('GET', `${sys.url}/v1/nope`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects an oversized body with 413', async () => {
    const r = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'x'.repeat(2_000_000), password: 'y' } });
    expect(r.status).toBe(413);
    expect(r.body.type).toContain('body-too-large');
  });
});

describe('identity', () => {
  it('logs in with a password and returns access and refresh tokens', async () => {
    const r = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'sup1', password: 'correct horse' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await http('GET', `${sys.url}/v1/auth/me`, { token: r.body.accessToken });
    expect(me.body).toMatchObject({ username: 'sup1', roles: ['supervisor'] });
  });

  it('rejects a wrong password with 401 and audits it', async () => {
    const r = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'sup1', password: 'nope' } });
    expect(r.status).toBe(401);
    const audit = await sys.rt.orm.em.fork().execute(`select count(*)::int as n from audit_log where action = 'auth.login_failed'`);
    expect(audit[0].n).toBeGreaterThan(0);
  });

  it('logs a handheld in with badge and PIN', async () => {
    const ok = await http('POST', `${sys.url}/v1/auth/badge`, { body: { badge: 'BADGE-1', pin: '4321', deviceId: 'TC52-07' } });
    expect(ok.status).toBe(200);
    expect(ok.body.user.username).toBe('pick1');
    expect((await http('POST', `${sys.url}/v1/auth/badge`, { body: { badge: 'BADGE-1', pin: '0000' } })).status).toBe(401);
  });

  it('rotates refresh tokens and revokes the family when one is reused', async () => {
    const login = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'sup1', password: 'correct horse' } });
    const first = login.body.refreshToken;
    const r1 = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: first } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first);
    // A retry (the response was lost) within the grace window gets the same successor, and the family survives.
    const retried = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: first } });
    expect(retried.status).toBe(200);
    expect(retried.body.refreshToken).toBe(r1.body.refreshToken);
    // Once the successor was used, presenting the old token is theft: the family is revoked.
    const r2 = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: r1.body.refreshToken } });
    expect(r2.status).toBe(200);
    const reuse = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: first } });
    expect(reuse.status).toBe(401);
    const afterRevoke = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: r2.body.refreshToken } });
    expect(afterRevoke.status).toBe(401);
    const afterReuse = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: r1.body.refreshToken } });
    expect(afterReuse.status).toBe(401);
  });

  it('rejects bad JWTs: wrong signature, alg none, expired, wrong audience, wrong issuer', async () => {
    const claims = { typ: 'access', name: 'sup1', roles: ['supervisor'], wh: [sys.wh1] };
    const s = sys.config;
    const bad = [
      jwt.sign(claims, 'another-secret-another-secret-another-secret', {
        algorithm: 'HS256',
        subject: sup1.id,
        issuer: s.JWT_ISSUER,
        audience: s.JWT_AUDIENCE,
        expiresIn: 60,
      }),
      jwt.sign(claims, '', { algorithm: 'none', subject: sup1.id, issuer: s.JWT_ISSUER, audience: s.JWT_AUDIENCE, expiresIn: 60 }),
      jwt.sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 100 }, s.JWT_SECRET, {
        algorithm: 'HS256',
        subject: sup1.id,
        issuer: s.JWT_ISSUER,
        audience: s.JWT_AUDIENCE,
      }),
      jwt.sign(claims, s.JWT_SECRET, {
        algorithm: 'HS256',
        subject: sup1.id,
        issuer: s.JWT_ISSUER,
        audience: 'someone-else',
        expiresIn: 60,
      }),
      jwt.sign(claims, s.JWT_SECRET, {
        algorithm: 'HS384',
        subject: sup1.id,
        issuer: s.JWT_ISSUER,
        audience: s.JWT_AUDIENCE,
        expiresIn: 60,
      }),
      jwt.sign(claims, s.JWT_SECRET, { algorithm: 'HS256', subject: sup1.id, issuer: 'evil', audience: s.JWT_AUDIENCE, expiresIn: 60 }),
      'not-a-jwt',
    ];
    for (const token of bad) {
      const r = await http('GET', `${sys.url}/v1/warehouses`, { token });
      expect(r.status, token).toBe(401);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await http('GET', `${sys.url}/v1/warehouses`)).status).toBe(401);
  });

  it('enforces roles (403) and warehouse scope (404, not 403)', async () => {
    // picker may not post notes
    const forbidden = await http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, { token: picker.token, body: { text: 'hi' } });
    expect(forbidden.status).toBe(403);
    // supervisor of WH1 sees WH1 but WH2 does not exist for them
    expect((await http('GET', `${sys.url}/v1/warehouses/${sys.wh1}`, { token: sup1.token })).status).toBe(200);
    const cross = await http('GET', `${sys.url}/v1/warehouses/${sys.wh2}`, { token: sup1.token });
    expect(cross.status).toBe(404);
    const crossWrite = await http('POST', `${sys.url}/v1/warehouses/${sys.wh2}/notes`, { token: sup1.token, body: { text: 'x' } });
    expect(crossWrite.status).toBe(404);
    const list = await http('GET', `${sys.url}/v1/warehouses`, { token: sup1.token });
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([sys.wh1]);
    const all = await http('GET', `${sys.url}/v1/warehouses`, { token: admin.token });
    expect(all.body.items).toHaveLength(2);
  });

  it('lets an admin create an API client whose key authenticates with its scopes only', async () => {
    const c = await http('POST', `${sys.url}/v1/api-clients`, {
      token: admin.token,
      body: { name: 'shop', scopes: ['orders:write'], warehouseIds: [sys.wh1] },
    });
    expect(c.status).toBe(201);
    const stored = await sys.rt.orm.em.fork().execute('select key_hash from api_client where id = ?', [c.body.id]);
    expect(stored[0].key_hash).not.toContain(c.body.apiKey);
    // A route without that scope is forbidden for the client; a bad key is 401.
    expect((await http('GET', `${sys.url}/v1/warehouses`, { headers: { 'x-api-key': c.body.apiKey } })).status).toBe(403);
    expect((await http('GET', `${sys.url}/v1/warehouses`, { headers: { 'x-api-key': c.body.apiKey + 'x' } })).status).toBe(401);
  });

  it('refuses non-admins creating users and validates the body', async () => {
    expect((await http('POST', `${sys.url}/v1/users`, { token: sup1.token, body: {} })).status).toBe(403);
    const bad = await http('POST', `${sys.url}/v1/users`, {
      token: admin.token,
      body: { username: 'A B', displayName: '', password: 'short', roles: ['boss'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.username', 'body.password', 'body.roles.0']),
    );
  });
});

describe('audit log', () => {
  it('lists who did what and from which device, newest first, paginated, admin-only beyond own scope', async () => {
    await http('POST', `${sys.url}/v1/auth/badge`, { body: { badge: 'BADGE-1', pin: '4321', deviceId: 'TC52-99' } });
    const page = await http('GET', `${sys.url}/v1/audit?limit=2&action=auth.badge_login`, { token: admin.token });
    expect(page.status).toBe(200);
    expect(page.body.items[0]).toMatchObject({ action: 'auth.badge_login', deviceId: 'TC52-99', actorId: picker.id });
    const ids = page.body.items.map((i: { id: number }) => i.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    if (page.body.nextCursor) {
      const next = await http('GET', `${sys.url}/v1/audit?limit=2&action=auth.badge_login&cursor=${page.body.nextCursor}`, {
        token: admin.token,
      });
      expect(next.body.items.every((i: { id: number }) => i.id < ids.at(-1))).toBe(true);
    }
    expect((await http('GET', `${sys.url}/v1/audit`, { token: picker.token })).status).toBe(403);
  });
});
