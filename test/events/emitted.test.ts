import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';

type EmittedRow = Pick<OutboxRow, 'warehouse_id' | 'rooms'> & { payload: Record<string, unknown> };
// Events the contract test found declared but never emitted, now written by the code paths they describe.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

const outbox = (type: string) =>
  sql<EmittedRow>(sys.rt.orm.em.fork(), 'select warehouse_id, payload, rooms from outbox where type = ? order by id', [type]);

describe('user.logged_in', () => {
  it('is emitted in each warehouse of a user who logs in, by password or by badge, and not for a failed login', async () => {
    const u = await sys.user('ev-picker', ['picker'], [sys.wh1, sys.wh2], { password: 'secret-pass-1', badge: 'BADGE-EV1', pin: '4321' });
    expect((await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'ev-picker', password: 'wrong-pass-1' } })).status).toBe(
      401,
    );
    expect(await outbox('user.logged_in')).toEqual([]);
    const ok = await http('POST', `${sys.url}/v1/auth/login`, {
      body: { username: 'ev-picker', password: 'secret-pass-1', deviceId: 'HH-7' },
    });
    expect(ok.status, ok.text).toBe(200);
    const rows = await outbox('user.logged_in');
    expect(rows.map((r) => r.warehouse_id).sort()).toEqual([sys.wh1, sys.wh2].sort());
    expect(rows[0]).toMatchObject({ payload: { userId: u.id, deviceId: 'HH-7' }, rooms: [`user:${u.id}`] });
    const badge = await http('POST', `${sys.url}/v1/auth/badge`, { body: { badge: 'BADGE-EV1', pin: '4321' } });
    expect(badge.status, badge.text).toBe(200);
    expect(await outbox('user.logged_in')).toHaveLength(4);
  });
});
