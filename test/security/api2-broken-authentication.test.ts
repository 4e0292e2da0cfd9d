import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeLockSeconds } from '../../domain/identity/badge-lockout.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

/** OWASP API2:2023 Broken Authentication: brute force, spoofed client IPs, forged tokens. */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ env: { AUTH_RATE_LIMIT_PER_MIN: '4' } });
});
afterAll(async () => sys?.close());

describe('API2 login limits hold against a spoofed X-Forwarded-For', () => {
  it('rotating X-Forwarded-For does not buy new attempts (no proxy is trusted by default)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (
          await http('POST', `${sys.url}/v1/auth/login`, {
            body: { username: 'nobody', password: 'guess' },
            headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
          })
        ).status,
      );
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
  });

  it('believes X-Forwarded-For only from a configured proxy CIDR', async () => {
    const proxied = await startTestSystem({ env: { AUTH_RATE_LIMIT_PER_MIN: '2', TRUST_PROXY: '127.0.0.1/32' } });
    try {
      const login = (ip: string) =>
        http('POST', `${proxied.url}/v1/auth/login`, { body: { username: 'x', password: 'y' }, headers: { 'x-forwarded-for': ip } });
      // Behind the trusted proxy the forwarded address is the client: two clients, two budgets.
      expect([(await login('198.51.100.1')).status, (await login('198.51.100.1')).status, (await login('198.51.100.1')).status]).toEqual([
        401, 401, 429,
      ]);
      expect((await login('198.51.100.2')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});

describe('API2 badge PIN lockout', () => {
  it('locks a badge after 5 wrong PINs with backoff and an audit entry; even the right PIN waits', async () => {
    // A separate system: the login budget of the first one is spent by the tests above.
    const badge = (pin: string, target: TestSystem) => http('POST', `${target.url}/v1/auth/badge`, { body: { badge: 'BDG-0001', pin } });
    const fresh = await startTestSystem({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
    try {
      const v = await fresh.user('picker-badge', ['picker'], [fresh.wh1], { badge: 'BDG-0001', pin: '4321' });
      const statuses: number[] = [];
      for (const pin of ['0000', '1111', '2222', '3333', '5555']) statuses.push((await badge(pin, fresh)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const locked = await badge('4321', fresh);
      expect(locked.status).toBe(429);
      expect(locked.body.type).toContain('badge-locked');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      const em = fresh.rt.orm.em.fork();
      const audit = await sql<{ action: string; object_id: string }>(
        em,
        `select action, object_id from audit_log where action in ('auth.badge_locked', 'auth.badge_login_locked') order by id`,
      );
      expect(audit.map((a) => a.action)).toEqual(['auth.badge_locked', 'auth.badge_login_locked']);
      expect(audit[0]!.object_id).toBe(v.id);
      // The lock expires (time moved on): the right PIN works and clears the count.
      await sql(em, `update app_user set pin_locked_until = now() - interval '1 second' where id = ?`, [v.id]);
      expect((await badge('4321', fresh)).status).toBe(200);
      expect((await sqlOne<{ pin_failures: number }>(em, 'select pin_failures from app_user where id = ?', [v.id]))!.pin_failures).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('backs off: 30 s, 60 s, 120 s … capped at an hour', () => {
    expect([4, 5, 6, 7, 30].map((n) => badgeLockSeconds(n))).toEqual([0, 30, 60, 120, 3600]);
  });
});

describe('API2 forged tokens', () => {
  it('refuses alg none, a foreign key, a token without exp and an RS-style header', async () => {
    const s = sys.config;
    const claims = { typ: 'access', name: 'x', roles: ['admin'], wh: [] };
    const opts = { subject: crypto.randomUUID(), issuer: s.JWT_ISSUER, audience: s.JWT_AUDIENCE };
    const forged = [
      jwt.sign(claims, '', { ...opts, algorithm: 'none', expiresIn: 60 }),
      jwt.sign(claims, 'k'.repeat(48), { ...opts, algorithm: 'HS256', expiresIn: 60 }),
      jwt.sign(claims, s.JWT_SECRET, { ...opts, algorithm: 'HS256', noTimestamp: false }), // no exp
      `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x' })).toString('base64url')}.sig`,
    ];
    for (const token of forged) {
      const r = await http('GET', `${sys.url}/v1/auth/me`, { token });
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });
});
