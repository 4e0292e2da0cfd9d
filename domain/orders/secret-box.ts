import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest: AES-256-GCM (NIST SP 800-38D) with a 96-bit random IV and a 128-bit tag.
 * Stored form `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id lets old rows be read
 * after the current key rotates (keep the previous key in the ring until rows are re-encrypted).
 */
export interface KeyRing {
  currentKid: string;
  keys: Map<string, Buffer>;
}

/** Short stable id of a key: first 8 hex chars of its SHA-256 (never reveals the key). */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Builds a ring from the current base64 key and any previous keys (base64, still readable). */
export function keyRing(currentB64: string, previousB64: string[] = []): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const b64 of [currentB64, ...previousB64]) {
    const k = Buffer.from(b64, 'base64');
    if (k.length !== 32) throw new Error('secrets key must be 32 bytes');
    keys.set(keyId(k), k);
  }
  return { currentKid: keyId(Buffer.from(currentB64, 'base64')), keys };
}

/** Encrypts with the current key; the associated data binds the ciphertext to its purpose. */
export function sealSecret(ring: KeyRing, plaintext: string, aad = ''): string {
  const key = ring.keys.get(ring.currentKid)!;
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return ['v1', ring.currentKid, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** Decrypts a sealed secret with the key named by its kid; throws on tampering or unknown key. */
export function openSecret(ring: KeyRing, sealed: string, aad = ''): string {
  const [v, kid, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !kid || iv === undefined || tag === undefined || ct === undefined) throw new Error('malformed sealed secret');
  const key = ring.keys.get(kid);
  if (!key) throw new Error(`no key with id ${kid} in the ring`);
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

/** Kid of a sealed value (for re-encryption sweeps after rotation). */
export function sealedKid(sealed: string): string | undefined {
  return sealed.split('.')[1];
}
