import { createHash, randomBytes } from 'node:crypto';

/** Opaque random token (refresh tokens, API keys); only its SHA-256 is stored. */
export function newOpaqueToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
