import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has sane local defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toContain('127.0.0.1:5432');
    expect(c.ACCESS_TOKEN_TTL_S).toBe(900);
  });

  it('names every invalid variable in one message', () => {
    const env = { PORT: 'eighty', DATABASE_URL: 'not a url', JWT_SECRET: 'short', SECRETS_KEY: 'abc', OUTBOUND_TIMEOUT_MS: 'soon' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'SECRETS_KEY', 'OUTBOUND_TIMEOUT_MS']) expect(msg).toContain(name);
    }
  });

  it('refuses development secrets and demo data in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEY[\s\S]*DEMO_DATA/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      DEMO_DATA: 'false',
    });
    expect(ok.NODE_ENV).toBe('production');
  });
});
