import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { recordAudit } from './audit.js';
import type { updateUserBody } from './identity.schemas.js';
import type { AppUserRow } from './entities/app-user.entity.js';

type Row = Record<string, any>;

/** A user the admin may manage: every warehouse of theirs must be visible to the caller (else 404). */
async function managedUser(em: EntityManager, actor: Actor, id: string): Promise<Row> {
  const u = await sqlOne<Row>(em, 'select * from app_user where id = ? for update', [id]);
  if (!u || !(actor.allWarehouses || (u.warehouse_ids as string[]).every((w) => canSeeWarehouse(actor, w)))) throw new NotFound('User', id);
  return u;
}

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
  const row = await sqlOne<Row>(
    em,
    `update app_user set roles = coalesce(?::text[], roles), warehouse_ids = coalesce(?::uuid[], warehouse_ids),
      active = coalesce(?, active), display_name = coalesce(?, display_name),
      token_version = token_version + ? where id = ? returning *`,
    [
      b.roles ? `{${b.roles.join(',')}}` : null,
      b.warehouseIds ? `{${b.warehouseIds.join(',')}}` : null,
      b.active ?? null,
      b.displayName ?? null,
      revoke ? 1 : 0,
      id,
    ],
  );
  if (b.active === false) await sql(em, 'update refresh_token set revoked_at = now() where user_id = ? and revoked_at is null', [id]);
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: b.active === false ? 'user.disabled' : 'user.updated',
    objectType: 'user',
    objectId: id,
    details: { roles: b.roles, warehouseIds: b.warehouseIds, active: b.active, tokensRevoked: revoke },
  });
  return { row: row!, revoked: revoke };
}

/** Signs a user out everywhere: bumps the token version and revokes every refresh token. */
export async function revokeUserSessions(em: EntityManager, actor: Actor, id: string): Promise<void> {
  await managedUser(em, actor, id);
  await sql(em, 'update app_user set token_version = token_version + 1 where id = ?', [id]);
  await sql(em, 'update refresh_token set revoked_at = now() where user_id = ? and revoked_at is null', [id]);
  await recordAudit(em, { actorType: actor.kind, actorId: actor.id, action: 'user.sessions_revoked', objectType: 'user', objectId: id });
}

const clientView = (r: Row) => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes,
  warehouseIds: r.warehouse_ids,
  active: r.active && !r.revoked_at,
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
});

export async function listApiClients(em: EntityManager, actor: Actor) {
  const rows = await sql<Row>(em, 'select * from api_client order by created_at, id');
  return rows.filter((r) => actor.allWarehouses || (r.warehouse_ids as string[]).every((w) => canSeeWarehouse(actor, w))).map(clientView);
}

/** Revokes an API client's key for good (its next request is refused: keys are checked on every request). */
export async function revokeApiClient(em: EntityManager, actor: Actor, id: string) {
  const r = await sqlOne<Row>(em, 'select * from api_client where id = ?', [id]);
  if (!r || !(actor.allWarehouses || (r.warehouse_ids as string[]).every((w) => canSeeWarehouse(actor, w))))
    throw new NotFound('API client', id);
  const row = await sqlOne<Row>(
    em,
    'update api_client set active = false, revoked_at = coalesce(revoked_at, now()) where id = ? returning *',
    [id],
  );
  await recordAudit(em, { actorType: actor.kind, actorId: actor.id, action: 'api_client.revoked', objectType: 'api_client', objectId: id });
  return clientView(row!);
}

/** What the edge checks on every request (cached briefly): is the user active, and which token version is current. */
export async function userTokenState(em: EntityManager, id: string): Promise<{ active: boolean; tokenVersion: number } | undefined> {
  const r = await sqlOne<Pick<AppUserRow, 'active' | 'token_version'>>(em, 'select active, token_version from app_user where id = ?', [id]);
  return r && { active: r.active, tokenVersion: r.token_version };
}
