import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { Forbidden, NotFound, Unauthorized } from '../../domain/shared/errors.js';
import { canSeeWarehouse, type Actor, type Role } from '../../domain/shared/roles.js';
import { authenticateApiKey } from '../../domain/identity/identity.service.js';
import { verifyAccessToken } from './jwt.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route ('any' = any signed-in user); admins are always allowed. */
    roles?: readonly (Role | 'any')[];
    /** API-client scopes allowed on the route. */
    scopes?: readonly string[];
    public?: boolean;
  }
}

/** Resolves the caller from a Bearer JWT or an API key; undefined when no credentials were sent. */
export async function resolveActor(req: FastifyRequest): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') {
    const actor = await authenticateApiKey(req.server.orm.em.fork(), apiKey);
    if (!actor) throw new Unauthorized('Invalid API key');
    return actor;
  }
  if (!header) return undefined;
  const m = /^Bearer (\S+)$/i.exec(header);
  if (!m) throw new Unauthorized('Authorization header must be "Bearer <token>"');
  const claims = verifyAccessToken(req.server.jwt, m[1]!);
  if (!claims) throw new Unauthorized('Invalid or expired access token');
  // A signature proves who issued the token, not that it still holds: disabled users and tokens issued before a
  // role change or revocation are refused (state cached a few seconds, dropped at once on a revocation event).
  const state = await req.server.userState.get(claims.sub);
  if (!state?.active) throw new Unauthorized('This user is disabled');
  if ((claims.tv ?? 0) < state.tokenVersion) throw new Unauthorized('This access token was revoked; sign in again');
  return {
    kind: 'user',
    id: claims.sub,
    username: claims.name,
    roles: claims.roles,
    warehouseIds: claims.wh,
    allWarehouses: claims.roles.includes('admin'),
    scopes: [],
    deviceId: claims.did ?? (req.headers['x-device-id'] as string | undefined),
  };
}

/** The one gate in front of every non-public route: authentication, then the route's roles/scopes. */
export const authorize: onRequestAsyncHookHandler = async function (req: FastifyRequest, _reply: FastifyReply) {
  const cfg = req.routeOptions.config;
  if (cfg.public || !req.routeOptions.url) return;
  const actor = await resolveActor(req);
  if (!actor) throw new Unauthorized();
  req.actor = actor;
  if (actor.kind === 'api_client') {
    if (!cfg.scopes?.some((s) => actor.scopes.includes(s))) throw new Forbidden('This API client lacks the scope for this route');
    return;
  }
  const roles = cfg.roles;
  if (!roles) throw new Forbidden('This route is not open to users');
  if (actor.roles.includes('admin') || roles.includes('any')) return;
  if (!roles.some((r) => actor.roles.includes(r as Role))) throw new Forbidden(`Requires one of the roles: ${roles.join(', ')}`);
};

export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Unauthorized();
  return req.actor;
}

/** Objects in warehouses outside the caller's scope do not exist for them (404, not 403). */
export function assertWarehouse(actor: Actor, warehouseId: string, what = 'Resource', id?: string): void {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound(what, id);
}
