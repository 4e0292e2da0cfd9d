import { describe, expect, it } from 'vitest';
import crypto, { hmac, sha256 } from './shims/k6-crypto.js';

// Known vectors (RFC 4231-style HMAC example and FIPS 180-2 "abc").
describe('k6/crypto shim', () => {
  it('computes HMAC-SHA256 like k6', () => {
    expect(hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'base64')).toBe(
      '97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=',
    );
  });

  it('hashes with the requested encoding', () => {
    expect(sha256('abc', 'hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect((sha256('abc') as ArrayBuffer).byteLength).toBe(32);
  });
});
