import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ env: { AUTH_RATE_LIMIT_PER_MIN: '3' } });
});
afterAll(async () => sys?.close());

describe('auth rate limiting', () => {
  it('answers 429 problem+json after the per-minute budget of login attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'x', password: 'y' } })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const r = await http('POST', `${sys.url}/v1/auth/login`, { body: { username: 'x', password: 'y' } });
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.type).toContain('rate-limited');
  });

  it('does not limit ordinary routes', async () => {
    for (let i = 0; i < 6; i++) expect((await http('GET', `${sys.url}/health/live`)).status).toBe(200);
  });
});
