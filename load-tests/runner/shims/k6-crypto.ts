// The subset of k6/crypto our scripts use, on node:crypto (same names and encodings as k6).
import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

type Enc = 'hex' | 'base64' | 'base64url' | 'binary';

function out(buf: Buffer, enc: Enc | undefined): string | ArrayBuffer {
  if (enc === 'binary' || enc === undefined) return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  if (enc === 'base64url') return buf.toString('base64url').replace(/=+$/, '');
  return buf.toString(enc);
}

export function hmac(
  algorithm: string,
  secret: string | ArrayBuffer,
  data: string | ArrayBuffer,
  outputEncoding?: Enc,
): string | ArrayBuffer {
  const key = typeof secret === 'string' ? secret : Buffer.from(secret);
  const msg = typeof data === 'string' ? data : Buffer.from(data);
  return out(createHmac(algorithm, key).update(msg).digest(), outputEncoding);
}

const hash = (alg: string) => (data: string | ArrayBuffer, outputEncoding?: Enc) =>
  out(
    createHash(alg)
      .update(typeof data === 'string' ? data : Buffer.from(data))
      .digest(),
    outputEncoding,
  );

export const sha1 = hash('sha1');
export const sha256 = hash('sha256');
export const sha512 = hash('sha512');
export const md5 = hash('md5');

export function randomBytes(n: number): ArrayBuffer {
  const b = nodeRandomBytes(n);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export default { hmac, sha1, sha256, sha512, md5, randomBytes };
