import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { roleSchema } from '../../domain/shared/roles.js';
import type { Config } from '../../platform/config.js';

// The algorithm is pinned on both sides: a token claiming `alg: none` or RS256 is rejected.
const ALG = 'HS256' as const;

const claimsSchema = z.object({
  sub: z.string(),
  typ: z.literal('access'),
  name: z.string(),
  roles: z.array(roleSchema).min(1),
  wh: z.array(z.string()),
  did: z.string().optional(),
  /** The user's token version when issued; tokens older than the current one are refused. */
  tv: z.number().int().min(0).optional(),
  exp: z.number(),
  iat: z.number(),
});
export type AccessClaims = z.infer<typeof claimsSchema>;

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlS: number;
}

export function jwtSettings(c: Config): JwtSettings {
  return { secret: c.JWT_SECRET, issuer: c.JWT_ISSUER, audience: c.JWT_AUDIENCE, ttlS: c.ACCESS_TOKEN_TTL_S };
}

export function signAccessToken(
  s: JwtSettings,
  user: { id: string; username: string; roles: string[]; warehouseIds: string[]; tokenVersion?: number },
  deviceId?: string,
): string {
  return jwt.sign(
    {
      typ: 'access',
      name: user.username,
      roles: user.roles,
      wh: user.warehouseIds,
      tv: user.tokenVersion ?? 0,
      ...(deviceId ? { did: deviceId } : {}),
    },
    keyOf(s.secret),
    {
      algorithm: ALG,
      subject: user.id,
      issuer: s.issuer,
      audience: s.audience,
      expiresIn: s.ttlS,
    },
  );
}

// jsonwebtoken turns a string secret into a key on every call, first trying it as a PEM public key and catching the
// throw (about a millisecond of CPU per request); the HMAC key object is made once per secret instead.
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = createSecretKey(Buffer.from(secret))));
  return k;
}

// A verified token's claims, per settings, until it expires: the same phone sends the same token on every request
// (a position every few seconds), and its HMAC and claim checks need doing once. Expiry is checked on every hit.
const verified = new WeakMap<JwtSettings, Map<string, AccessClaims>>();
const CLOCK_TOLERANCE_S = 5;
const MAX_VERIFIED = 20_000;

/** Verifies signature, algorithm, exp, iat, aud and iss; returns undefined for any bad token. */
export function verifyAccessToken(s: JwtSettings, token: string): AccessClaims | undefined {
  let cache = verified.get(s);
  if (!cache) verified.set(s, (cache = new Map()));
  const hit = cache.get(token);
  if (hit) {
    if (Date.now() / 1000 < hit.exp + CLOCK_TOLERANCE_S) return hit;
    cache.delete(token);
    return undefined;
  }
  try {
    const decoded = jwt.verify(token, keyOf(s.secret), {
      algorithms: [ALG],
      issuer: s.issuer,
      audience: s.audience,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return undefined;
    if (claims.data.iat > Date.now() / 1000 + 60) return undefined; // issued in the future
    if (cache.size >= MAX_VERIFIED) cache.clear();
    cache.set(token, claims.data);
    return claims.data;
  } catch {
    return undefined;
  }
}
