import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hashGate } from './hash-gate.js';

// scrypt parameters per OWASP Password Storage Cheat Sheet (N=2^17, r=8, p=1).
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(pw: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return hashGate.run(
    () => new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key)))),
  );
}

/** Hash in PHC-like form `scrypt$N$r$p$salt$hash` so parameters can change later. */
export async function hashSecret(secret: string, cost: { N?: number } = {}): Promise<string> {
  const n = cost.N ?? N;
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, { N: n, r: R, p: P, maxmem: 256 * n * R });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time check of a secret against a stored hash; false on any malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(secret, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * Number(n) * Number(r),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// A hash to verify against when the user does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | undefined;
export function dummySecretHash(): Promise<string> {
  dummyHash ??= hashSecret('dockside-no-such-user').catch((err: unknown) => {
    dummyHash = undefined; // a refused (busy) hash must not poison the cache
    throw err;
  });
  return dummyHash;
}
