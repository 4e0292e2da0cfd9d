import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const realSecrets = { JWT_SECRET: 'x'.repeat(40), SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('configuration', () => {
  it('has sane local defaults in development', () => {
    const c = loadConfig({ NODE_ENV: 'development' });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toContain('127.0.0.1:5432');
    expect(c.ACCESS_TOKEN_TTL_S).toBe(900);
    expect(c.DEMO_DATA).toBe(true);
    expect(c.DOCS_ENABLED).toBe(true);
    expect(c.TRUST_PROXY).toBe('');
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

  it('fails closed with NODE_ENV unset: real secrets required, no demo data, no wildcard CORS, docs off', () => {
    expect(() => loadConfig({})).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEY/);
    expect(() => loadConfig({ ...realSecrets, DEMO_DATA: 'true' })).toThrow(/DEMO_DATA/);
    expect(() => loadConfig({ ...realSecrets, NODE_ENV: 'test', DEMO_DATA: 'true' })).toThrow(/DEMO_DATA/);
    expect(() => loadConfig({ ...realSecrets, CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ ...realSecrets, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    const c = loadConfig(realSecrets);
    expect(c.NODE_ENV).toBe('production');
    expect(c.DEMO_DATA).toBe(false);
    expect(c.DOCS_ENABLED).toBe(false);
    expect(c.CORS_ORIGINS).toBe('');
    // The public development secrets are refused even when set explicitly.
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'dockside-dev-only-jwt-secret-change-me-0123456789',
        SECRETS_KEY: realSecrets.SECRETS_KEY,
      }),
    ).toThrow(/JWT_SECRET/);
  });
});
