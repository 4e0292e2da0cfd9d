import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sqlPreparedOne } from '../shared/sql.js';
import { recordAudit } from './audit.js';
import type { updateUserBody } from './identity.schemas.js';
import { AppUser, type AppUserRow } from './entities/app-user.entity.js';
import { ApiClient } from './entities/api-client.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';

/** Admin reads are views: no identity map, so each read sees the row as the updates before it left it. */
const fresh = { disableIdentityMap: true } as const;

/** A user the admin may manage: every warehouse of theirs must be visible to the caller (else 404). */
async function managedUser(em: EntityManager, actor: Actor, id: string): Promise<AppUser> {
  const u = await em.findOne(AppUser, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, ...fresh });
  if (!u || !(actor.allWarehouses || u.warehouse_ids.every((w) => canSeeWarehouse(actor, w)))) throw new NotFound('User', id);
  return u;
}

/** Every refresh token of the user still valid is revoked (now, by the database clock). */
const revokeRefreshTokens = (em: EntityManager, userId: string) =>
  em.nativeUpdate(RefreshToken, { user_id: userId, revoked_at: null }, { revoked_at: raw('now()') });

/**
 * Changes a user's roles, warehouses or active flag. Any change to what a token says (roles, warehouses) or may do
 * (active) bumps the token version, so older access tokens stop working on the next request; disabling also revokes
 * every refresh token. Returns the user id and whether tokens were revoked (the edge then publishes the revocation).
 */
export async function updateUser(em: EntityManager, actor: Actor, id: string, b: z.infer<typeof updateUserBody>) {
  const u = await managedUser(em, actor, id);
  if (b.warehouseIds) for (const w of b.warehouseIds) if (!canSeeWarehouse(actor, w)) throw new NotFound('Warehouse', w);
  if (id === actor.id && b.active === false)
    throw new ValidationFailed('You cannot disable yourself', [{ path: 'active', message: 'self' }]);
  const sameSet = (a: string[], c: string[]) => a.length === c.length && a.every((x) => c.includes(x));
  const revoke =
    (b.roles !== undefined && !sameSet(b.roles, u.roles)) ||
    (b.warehouseIds !== undefined && !sameSet(b.warehouseIds, u.warehouse_ids)) ||
    (b.active !== undefined && b.active !== u.active);
  await em.nativeUpdate(
    AppUser,
    { id },
    {
      ...(b.roles !== undefined ? { roles: b.roles } : {}),
      ...(b.warehouseIds !== undefined ? { warehouse_ids: b.warehouseIds } : {}),
      ...(b.active !== undefined ? { active: b.active } : {}),
      ...(b.displayName !== undefined ? { display_name: b.displayName } : {}),
      ...(revoke ? { token_version: raw('token_version + 1') } : {}),
    },
  );
  const row = await em.findOneOrFail(AppUser, { id }, fresh);
  if (b.active === false) await revokeRefreshTokens(em, id);
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: b.active === false ? 'user.disabled' : 'user.updated',
    objectType: 'user',
    objectId: id,
    details: { roles: b.roles, warehouseIds: b.warehouseIds, active: b.active, tokensRevoked: revoke },
  });
  return { row, revoked: revoke };
}

/** Signs a user out everywhere: bumps the token version and revokes every refresh token. */
export async function revokeUserSessions(em: EntityManager, actor: Actor, id: string): Promise<void> {
  await managedUser(em, actor, id);
  await em.nativeUpdate(AppUser, { id }, { token_version: raw('token_version + 1') });
  await revokeRefreshTokens(em, id);
  await recordAudit(em, { actorType: actor.kind, actorId: actor.id, action: 'user.sessions_revoked', objectType: 'user', objectId: id });
}

const clientView = (r: ApiClient) => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes,
  warehouseIds: r.warehouse_ids,
  active: r.active && !r.revoked_at,
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
});

export async function listApiClients(em: EntityManager, actor: Actor) {
  const rows = await em.find(ApiClient, {}, { orderBy: { created_at: 'asc', id: 'asc' }, ...fresh });
  return rows.filter((r) => actor.allWarehouses || r.warehouse_ids.every((w) => canSeeWarehouse(actor, w))).map(clientView);
}

/** Revokes an API client's key for good (its next request is refused: keys are checked on every request). */
export async function revokeApiClient(em: EntityManager, actor: Actor, id: string) {
  const r = await em.findOne(ApiClient, { id }, fresh);
  if (!r || !(actor.allWarehouses || r.warehouse_ids.every((w) => canSeeWarehouse(actor, w)))) throw new NotFound('API client', id);
  await em.nativeUpdate(ApiClient, { id }, { active: false, revoked_at: raw('coalesce(revoked_at, now())') });
  const row = await em.findOneOrFail(ApiClient, { id }, fresh);
  await recordAudit(em, { actorType: actor.kind, actorId: actor.id, action: 'api_client.revoked', objectType: 'api_client', objectId: id });
  return clientView(row);
}

/** The state a token is checked against (userTokenState). */
export const USER_TOKEN_STATE_SQL = 'select active, token_version from app_user where id = ?::uuid';

/** What the edge checks on every request (cached briefly): is the user active, and which token version is current. */
export async function userTokenState(em: EntityManager, id: string): Promise<{ active: boolean; tokenVersion: number } | undefined> {
  // A prepared one-row read, not em.findOne: with a floor's think times the cache entry has expired by the next scan,
  // so this runs before nearly every handheld request, and the query builder cost more CPU than the statement.
  const r = await sqlPreparedOne<Pick<AppUserRow, 'active' | 'token_version'>>(em, USER_TOKEN_STATE_SQL, [id]);
  return r ? { active: r.active, tokenVersion: r.token_version } : undefined;
}
