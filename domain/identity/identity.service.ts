import { createHmac, randomUUID } from 'node:crypto';

import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { Conflict, TooManyRequests, Unauthorized } from '../shared/errors.js';
import type { Actor, Role } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { Clock } from '../shared/clock.js';
import { dummySecretHash, hashSecret, verifySecret } from './password.js';
import { newOpaqueToken, sha256 } from './tokens.js';
import type { createApiClientBody, createUserBody } from './identity.schemas.js';
import { emit } from '../events/outbox.js';
import { recordAudit } from './audit.js';
import { badgeLockSeconds } from './badge-lockout.js';
import { AppUser, type AppUserRow } from './entities/app-user.entity.js';
import { RefreshToken, type RefreshTokenRow } from './entities/refresh-token.entity.js';
import { ApiClient } from './entities/api-client.entity.js';

/** The columns of `app_user` a login or a session reads (roles typed as the role names the CHECK allows). */
type UserRow = Pick<
  AppUserRow,
  | 'id'
  | 'username'
  | 'display_name'
  | 'password_hash'
  | 'pin_hash'
  | 'warehouse_ids'
  | 'active'
  | 'pin_failures'
  | 'token_version'
  | 'locale'
> & { roles: Role[] };
/** Reads are views: no identity map, so a row written by raw SQL earlier in the transaction is read fresh. */
const fresh = { disableIdentityMap: true } as const;
const asUser = (r: AppUser): UserRow & Pick<AppUserRow, 'badge_code'> => ({
  id: r.id,
  username: r.username,
  display_name: r.display_name,
  password_hash: r.password_hash,
  pin_hash: r.pin_hash ?? null,
  roles: r.roles as Role[],
  warehouse_ids: r.warehouse_ids,
  active: r.active,
  pin_failures: r.pin_failures,
  token_version: r.token_version,
  locale: r.locale ?? null,
  badge_code: r.badge_code ?? null,
});

/** A user found by badge, with the seconds left on a PIN lock (null or ≤ 0 when not locked). */
export type BadgeLoginRow = UserRow & { locked_for_s: number | null };
/** A user as the admin list reads it. */
export type UserListRow = UserRow & Pick<AppUserRow, 'badge_code'>;

export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  warehouseIds: string[];
  /** Access tokens carry it; a bump (disable, role change, revoke) invalidates every older token. */
  tokenVersion: number;
  /** The language the user chose (null: none yet, the device's default applies). */
  locale: string | null;
}

const toUser = (r: UserRow): AuthenticatedUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  roles: r.roles,
  warehouseIds: r.warehouse_ids,
  tokenVersion: r.token_version ?? 0,
  locale: r.locale ?? null,
});

export function actorFromUser(u: AuthenticatedUser, deviceId?: string): Actor {
  return {
    kind: 'user',
    id: u.id,
    username: u.username,
    roles: u.roles,
    warehouseIds: u.warehouseIds,
    allWarehouses: u.roles.includes('admin'),
    scopes: [],
    deviceId,
  };
}

/**
 * `user.logged_in` in each warehouse the user works in, so supervisors' boards see who is on which device.
 * Users scoped to no warehouse (global admins) have no warehouse stream to appear in.
 */
async function announceLogin(em: EntityManager, row: Pick<UserRow, 'id' | 'warehouse_ids'>, deviceId?: string): Promise<void> {
  await emit(
    em,
    ...row.warehouse_ids.map((warehouseId) => ({
      type: 'user.logged_in' as const,
      warehouseId,
      payload: { userId: row.id, ...(deviceId ? { deviceId } : {}) },
      rooms: [`user:${row.id}`],
      actorId: row.id,
    })),
  );
}

/** Password login. Same error and similar timing for unknown user and wrong password. */
export async function loginWithPassword(
  em: EntityManager,
  username: string,
  password: string,
  ctx: { deviceId?: string; ip?: string },
): Promise<AuthenticatedUser> {
  const found = await em.findOne(AppUser, { username: username.toLowerCase() }, fresh);
  const row = found && asUser(found);
  const ok = await verifySecret(password, row?.password_hash ?? (await dummySecretHash()));
  if (!row || !ok || !row.active) {
    await recordAudit(em, {
      actorType: 'anonymous',
      action: 'auth.login_failed',
      details: { username },
      deviceId: ctx.deviceId,
      ip: ctx.ip,
    });
    throw new Unauthorized('Invalid username or password');
  }
  await recordAudit(em, { actorType: 'user', actorId: row.id, action: 'auth.login', deviceId: ctx.deviceId, ip: ctx.ip });
  await announceLogin(em, row, ctx.deviceId);
  return toUser(row);
}

/**
 * Handheld login: scan a badge and type a PIN. A locked badge is refused before any hashing; each wrong PIN counts,
 * and the lock (growing backoff, badge-lockout.ts) is written with an audit entry; a right PIN clears the count.
 */
export async function loginWithBadge(
  em: EntityManager,
  badge: string,
  pin: string,
  ctx: { deviceId?: string; ip?: string },
): Promise<AuthenticatedUser> {
  const row = await sqlOne<BadgeLoginRow>(
    em,
    `select *, ceil(extract(epoch from (pin_locked_until - now())))::int as locked_for_s from app_user where badge_code = ?`,
    [badge],
  );
  if (row?.locked_for_s && row.locked_for_s > 0) {
    await recordAudit(em, {
      actorType: 'anonymous',
      action: 'auth.badge_login_locked',
      objectType: 'user',
      objectId: row.id,
      details: { badge: badge.slice(0, 4) + '…', lockedForS: row.locked_for_s },
      deviceId: ctx.deviceId,
      ip: ctx.ip,
    });
    throw new TooManyRequests('This badge is locked after too many wrong PINs; try again later', row.locked_for_s, 'badge-locked');
  }
  const ok = await verifySecret(pin, row?.pin_hash ?? (await dummySecretHash()));
  if (!row || !ok || !row.active) {
    await recordAudit(em, {
      actorType: 'anonymous',
      action: 'auth.badge_login_failed',
      details: { badge: badge.slice(0, 4) + '…' },
      deviceId: ctx.deviceId,
      ip: ctx.ip,
    });
    if (row && !ok) {
      const counted = await sqlOne<Pick<AppUserRow, 'pin_failures'>>(
        em,
        'update app_user set pin_failures = pin_failures + 1 where id = ? returning pin_failures',
        [row.id],
      );
      const lockS = badgeLockSeconds(counted!.pin_failures);
      if (lockS > 0) {
        await sql(em, 'update app_user set pin_locked_until = now() + make_interval(secs => ?) where id = ?', [lockS, row.id]);
        await recordAudit(em, {
          actorType: 'anonymous',
          action: 'auth.badge_locked',
          objectType: 'user',
          objectId: row.id,
          details: { failures: counted!.pin_failures, lockedForS: lockS },
          deviceId: ctx.deviceId,
          ip: ctx.ip,
        });
      }
    }
    throw new Unauthorized('Invalid badge or PIN');
  }
  if (row.pin_failures) await em.nativeUpdate(AppUser, { id: row.id }, { pin_failures: 0, pin_locked_until: null });
  await recordAudit(em, { actorType: 'user', actorId: row.id, action: 'auth.badge_login', deviceId: ctx.deviceId, ip: ctx.ip });
  await announceLogin(em, row, ctx.deviceId);
  return toUser(row);
}

export async function getUser(em: EntityManager, id: string): Promise<AuthenticatedUser | undefined> {
  const row = await em.findOne(AppUser, { id, active: true }, fresh);
  return row ? toUser(asUser(row)) : undefined;
}

/** Issues a refresh token in a (new or existing) rotation family. */
export async function issueRefreshToken(
  em: EntityManager,
  userId: string,
  ttlS: number,
  clock: Clock,
  familyId: string = randomUUID(),
  deviceId?: string,
  token: string = newOpaqueToken('rt_'),
): Promise<string> {
  await em.insert(RefreshToken, {
    user_id: userId,
    family_id: familyId,
    token_hash: sha256(token),
    device_id: deviceId ?? null,
    expires_at: new Date(clock.now().getTime() + ttlS * 1000),
  });
  return token;
}

/**
 * Rotates a refresh token: the presented one is used up and a new one issued in the same family.
 * Presenting a token twice (a stolen copy) revokes the whole family (OAuth 2.0 Security BCP §4.14) — except a
 * retry within `grace.seconds` whose successor is still unused (a lost response on flaky Wi-Fi): it gets the same
 * successor again. The successor is derived from the presented token with a server secret (HMAC), so it can be
 * re-derived without storing it; after the grace window, or once the successor was used, reuse revokes as before.
 */
export async function rotateRefreshToken(
  em: EntityManager,
  token: string,
  ttlS: number,
  clock: Clock,
  grace?: { seconds: number; secret: string },
): Promise<{ user: AuthenticatedUser; refreshToken: string }> {
  const successor = grace ? 'rt_' + createHmac('sha256', grace.secret).update(`refresh-successor:${token}`).digest('base64url') : undefined;
  const outcome = await em.transactional(async (tx) => {
    const row = await tx.findOne(RefreshToken, { token_hash: sha256(token) }, { lockMode: LockMode.PESSIMISTIC_WRITE, ...fresh });
    if (!row) throw new Unauthorized('Unknown refresh token');
    if (row.used_at && !row.revoked_at && grace && successor && grace.seconds > 0) {
      const again = await sqlOne<Pick<RefreshTokenRow, 'user_id'>>(
        tx,
        `select r.user_id from refresh_token r join refresh_token p on p.id = ? where r.token_hash = ? and r.family_id = p.family_id
          and r.used_at is null and r.revoked_at is null and p.used_at > now() - make_interval(secs => ?)`,
        [row.id, sha256(successor), grace.seconds],
      );
      const user = again && (await getUser(tx, again.user_id));
      if (user) return { user, refreshToken: successor };
    }
    if (row.used_at || row.revoked_at) return { reused: row };
    if (new Date(row.expires_at).getTime() <= clock.now().getTime()) throw new Unauthorized('Refresh token expired');
    const user = await getUser(tx, row.user_id);
    if (!user) throw new Unauthorized('User is disabled');
    await tx.nativeUpdate(RefreshToken, { id: row.id }, { used_at: raw('now()') });
    const refreshToken = await issueRefreshToken(tx, user.id, ttlS, clock, row.family_id, row.device_id ?? undefined, successor);
    return { user, refreshToken };
  });
  if ('reused' in outcome && outcome.reused) {
    const { family_id: familyId, user_id: userId } = outcome.reused;
    // Committed on its own: the revocation must stand even though this request fails.
    await em.nativeUpdate(RefreshToken, { family_id: familyId, revoked_at: null }, { revoked_at: raw('now()') });
    await recordAudit(em, { actorType: 'user', actorId: userId, action: 'auth.refresh_reuse_detected', details: { familyId } });
    throw new Unauthorized('Refresh token already used; sign in again');
  }
  return outcome as { user: AuthenticatedUser; refreshToken: string };
}

export async function revokeRefreshToken(em: EntityManager, token: string): Promise<void> {
  await sql(
    em,
    `update refresh_token set revoked_at = now() where family_id = (select family_id from refresh_token where token_hash = ?) and revoked_at is null`,
    [sha256(token)],
  );
}

export async function createUser(
  em: EntityManager,
  input: z.infer<typeof createUserBody>,
  by: Actor,
  cost?: { N?: number },
): Promise<AuthenticatedUser> {
  if (await em.count(AppUser, { username: input.username })) throw new Conflict(`Username ${input.username} is taken`, 'username-taken');
  const id = (await em.insert(AppUser, {
    username: input.username,
    display_name: input.displayName,
    password_hash: await hashSecret(input.password, cost),
    badge_code: input.badgeCode ?? null,
    pin_hash: input.pin ? await hashSecret(input.pin, cost) : null,
    roles: input.roles,
    warehouse_ids: input.warehouseIds,
  })) as string;
  const row = asUser((await em.findOneOrFail(AppUser, { id }, fresh)) as AppUser);
  await recordAudit(em, {
    actorType: by.kind,
    actorId: by.id,
    action: 'user.created',
    objectType: 'user',
    objectId: row.id,
    deviceId: by.deviceId,
  });
  return toUser(row);
}

export async function listUsers(em: EntityManager, actor: Actor) {
  const rows = (await em.find(AppUser, {}, { orderBy: { username: 'asc' }, limit: 500, ...fresh })).map(asUser);
  return rows
    .filter((r) => actor.allWarehouses || r.warehouse_ids.some((w) => actor.warehouseIds.includes(w)))
    .map((r) => ({ ...toUser(r), active: r.active, hasBadge: r.badge_code !== null }));
}

/** Creates an integration client; the key is returned once and only its hash is kept. */
export async function createApiClient(em: EntityManager, input: z.infer<typeof createApiClientBody>, by: Actor) {
  const prefix = newOpaqueToken().slice(0, 8).replace(/[-_]/g, 'x');
  const apiKey = `dk_${prefix}_${newOpaqueToken()}`;
  const id = (await em.insert(ApiClient, {
    name: input.name,
    key_prefix: prefix,
    key_hash: sha256(apiKey),
    scopes: input.scopes,
    warehouse_ids: input.warehouseIds,
  })) as string;
  await recordAudit(em, { actorType: by.kind, actorId: by.id, action: 'api_client.created', objectType: 'api_client', objectId: id });
  return { id, name: input.name, apiKey, scopes: input.scopes };
}

/** Resolves an API key (`dk_<prefix>_<secret>`) to an actor; constant-time via hash lookup. */
export async function authenticateApiKey(em: EntityManager, apiKey: string): Promise<Actor | undefined> {
  const m = /^dk_([A-Za-z0-9]{8})_[A-Za-z0-9_-]{20,}$/.exec(apiKey);
  if (!m) return undefined;
  const row = await em.findOne(ApiClient, { key_prefix: m[1], active: true, revoked_at: null }, fresh);
  if (!row || row.key_hash !== sha256(apiKey)) return undefined;
  return {
    kind: 'api_client',
    id: row.id,
    username: row.name,
    roles: [],
    warehouseIds: row.warehouse_ids,
    allWarehouses: false,
    scopes: row.scopes,
  };
}
