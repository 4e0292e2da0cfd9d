import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badgeLoginBody, loginBody, refreshBody, tokenResponse } from '../../domain/identity/identity.schemas.js';
import {
  issueRefreshToken,
  loginWithBadge,
  loginWithPassword,
  revokeRefreshToken,
  rotateRefreshToken,
  type AuthenticatedUser,
} from '../../domain/identity/identity.service.js';
import { touchDevice } from '../../domain/identity/device.service.js';
import { signAccessToken } from '../auth/jwt.js';
import { problemSchema } from '../problem.schema.js';

export async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const rateLimit = { max: app.config.AUTH_RATE_LIMIT_PER_MIN, timeWindow: '1 minute' };
  const problems = { 400: problemSchema, 401: problemSchema, 429: problemSchema };

  const tokens = async (user: AuthenticatedUser, deviceId: string | undefined, refreshToken?: string) => {
    // A sign-in (not a refresh) from a registered device records who picked it up.
    if (!refreshToken) await touchDevice(app.orm.em.fork(), deviceId, user.id);
    return {
      accessToken: signAccessToken(app.jwt, user, deviceId),
      refreshToken:
        refreshToken ??
        (await issueRefreshToken(app.orm.em.fork(), user.id, app.config.REFRESH_TOKEN_TTL_S, app.clock, undefined, deviceId)),
      expiresIn: app.jwt.ttlS,
      tokenType: 'Bearer' as const,
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        warehouseIds: user.warehouseIds,
        locale: (user.locale === 'en' || user.locale === 'zh-CN' ? user.locale : null) as 'en' | 'zh-CN' | null,
      },
    };
  };

  app.post(
    '/auth/login',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        security: [],
        body: loginBody,
        response: { 200: tokenResponse, ...problems },
      },
    },
    async (req) => {
      // No transaction: a failed attempt's audit entry must survive the 401.
      const user = await loginWithPassword(app.orm.em.fork(), req.body.username, req.body.password, {
        deviceId: req.body.deviceId,
        ip: req.ip,
      });
      return tokens(user, req.body.deviceId);
    },
  );

  app.post(
    '/auth/badge',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Handheld sign-in: scanned badge code plus PIN',
        security: [],
        body: badgeLoginBody,
        response: { 200: tokenResponse, ...problems },
      },
    },
    async (req) => {
      const user = await loginWithBadge(app.orm.em.fork(), req.body.badge, req.body.pin, { deviceId: req.body.deviceId, ip: req.ip });
      return tokens(user, req.body.deviceId);
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['auth'],
        summary:
          'Exchange a refresh token for new tokens (rotation; a retry within REFRESH_GRACE_S gets the same refresh token, other reuse revokes the family)',
        security: [],
        body: refreshBody,
        response: { 200: tokenResponse, ...problems },
      },
    },
    async (req) => {
      const { user, refreshToken } = await rotateRefreshToken(
        app.orm.em.fork(),
        req.body.refreshToken,
        app.config.REFRESH_TOKEN_TTL_S,
        app.clock,
        { seconds: app.config.REFRESH_GRACE_S, secret: app.config.JWT_SECRET },
      );
      return tokens(user, req.body.deviceId, refreshToken);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['auth'],
        summary: 'Revoke a refresh token family',
        body: z.object({ refreshToken: z.string().min(10).max(200) }),
        response: { 204: z.null(), ...problems },
      },
    },
    async (req, reply) => {
      await revokeRefreshToken(app.orm.em.fork(), req.body.refreshToken);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['auth'],
        summary: 'Who am I',
        response: {
          200: z.object({
            id: z.string(),
            kind: z.string(),
            username: z.string().optional(),
            roles: z.array(z.string()),
            warehouseIds: z.array(z.string()),
            allWarehouses: z.boolean(),
          }),
          401: problemSchema,
        },
      },
    },
    async (req) => {
      const a = req.actor!;
      return { id: a.id, kind: a.kind, username: a.username, roles: a.roles, warehouseIds: a.warehouseIds, allWarehouses: a.allWarehouses };
    },
  );
}
