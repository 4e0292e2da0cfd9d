import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { CountRow } from '../../domain/shared/rows.js';
// The handheld registry and the user's language live on the server: a device is known to supervisors with who
// used it last, and the language a worker chose comes back with their sign-in on any device.
let sys: TestSystem;
let sup: TestUser;
let picker: TestUser;
let stranger: TestUser;
const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });
const login = (deviceId?: string) =>
  http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'pick-dev', password: 'pick-pass', ...(deviceId ? { deviceId } : {}) } });

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup-dev', ['supervisor'], [sys.wh1]);
  picker = await sys.user('pick-dev', ['picker'], [sys.wh1], { password: 'pick-pass' });
  stranger = await sys.user('pick-wh2', ['picker'], [sys.wh2]);
});
afterAll(async () => sys?.close());

describe('device registry', () => {
  it('registers a device once, renames it, and records who signed in on it last', async () => {
    const first = await api('PUT', '/devices/dev-hh-07', picker.token, { name: 'HH-07', warehouseId: sys.wh1 });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ id: 'dev-hh-07', name: 'HH-07', warehouseId: sys.wh1, lastUserId: picker.id });
    const again = await api('PUT', '/devices/dev-hh-07', picker.token, { name: 'HH-07 dock 2' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ name: 'HH-07 dock 2', warehouseId: sys.wh1 });
    const audits = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select count(*)::int as n from audit_log where action = 'device.registered' and object_id = 'dev-hh-07'`,
    );
    expect(audits!.n).toBe(1);

    // The supervisor signs in on it: it was last used by them.
    await sqlOne(sys.rt.orm.em.fork(), `update device set last_seen_at = now() - interval '1 hour' where id = 'dev-hh-07'`);
    const signed = await http('POST', `${sys.url}/v1/auth/login`, {
      body: { username: 'sup-dev', password: 'sup-dev', deviceId: 'dev-hh-07' },
    });
    expect(signed.status, signed.text).toBe(200);
    const list = await api('GET', `/warehouses/${sys.wh1}/devices`, sup.token);
    expect(list.status, list.text).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: 'dev-hh-07', lastUsername: 'sup-dev' });
    expect(Date.now() - Date.parse(list.body.items[0].lastSeenAt)).toBeLessThan(30 * 60_000);
  });

  it('refuses bad input naming the field, other warehouses, and pickers listing devices', async () => {
    const bad = await api('PUT', '/devices/dev-x', picker.token, { name: '', warehouseId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['body.name', 'body.warehouseId']);
    const badId = await api('PUT', `/devices/${encodeURIComponent('dev x/../y')}`, picker.token, { name: 'X' });
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toContain('deviceId');
    expect((await api('PUT', '/devices/dev-y', stranger.token, { name: 'Y', warehouseId: sys.wh1 })).status).toBe(404);
    expect((await api('GET', `/warehouses/${sys.wh1}/devices`, picker.token)).status).toBe(403);
    expect((await api('GET', `/warehouses/${sys.wh1}/devices`, stranger.token)).status).toBe(403);
  });
});

describe("the user's language", () => {
  it('is null until chosen, then comes back with every sign-in', async () => {
    expect((await login()).body.user.locale).toBeNull();
    const set = await api('PUT', '/me/locale', picker.token, { locale: 'zh-CN' });
    expect(set.status, set.text).toBe(200);
    const again = await login('dev-hh-07');
    expect(again.body.user.locale).toBe('zh-CN');
    const refreshed = await http('POST', `${sys.url}/v1/auth/refresh`, { body: { refreshToken: again.body.refreshToken } });
    expect(refreshed.body.user.locale).toBe('zh-CN');
    const bad = await api('PUT', '/me/locale', picker.token, { locale: 'fr' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.locale');
  });
});
