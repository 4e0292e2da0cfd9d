import { socketKey } from '../../platform/socket-emitter.js';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { eventsAfter } from '../../domain/events/event-log.js';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Actor } from '../../domain/shared/roles.js';
import { verifyAccessToken, type AccessClaims } from '../auth/jwt.js';
import { socketConnections, socketEventsSent } from '../plugins/metrics.js';
import { mayJoin } from './rooms.js';
import { handlePositions } from './position-message.js';

const subscribeMsg = z.object({
  rooms: z.array(z.string().max(80)).max(50),
  /** Last seq seen per warehouse; events after it are replayed before live ones. */
  lastSeq: z.record(z.string(), z.number().int().min(0)).default({}),
});

interface SocketData {
  actor: Actor;
  expiryTimer?: NodeJS.Timeout;
}

export type AttachSocketGatewayRow = { oldest: string | null; newest: string | null };

/**
 * Socket.IO gateway. Handshake auth with the access JWT; clients join only rooms they are entitled
 * to; on (re)subscribe the missed events of each warehouse are replayed from the outbox; the socket
 * is disconnected when its token expires unless the client sends `reauth` with a fresh token.
 */
export function attachSocketGateway(app: FastifyInstance, server: HttpServer, pub: Redis): Server {
  const sub = pub.duplicate();
  const io = new Server<Record<string, (...a: any[]) => void>, Record<string, (...a: any[]) => void>, Record<string, never>, SocketData>(
    server,
    {
      // Same rule as HTTP: `*` without credentials, otherwise only the listed origins (none when unset).
      cors: app.config.CORS_ORIGINS.split(',').some((o) => o.trim() === '*')
        ? { origin: '*', credentials: false }
        : {
            origin: app.config.CORS_ORIGINS.split(',')
              .map((o) => o.trim())
              .filter(Boolean),
            credentials: true,
          },
      adapter: createAdapter(pub, sub, { key: socketKey(app.config.REDIS_PREFIX) }),
      maxHttpBufferSize: 64 * 1024,
    },
  );

  const armExpiry = (socket: Socket, exp: number) => {
    clearTimeout(socket.data.expiryTimer);
    const ms = Math.max(0, exp * 1000 - Date.now());
    socket.data.expiryTimer = setTimeout(
      () => {
        socket.emit('auth_expired', { reason: 'access token expired' });
        socket.disconnect(true);
      },
      Math.min(ms, 2 ** 31 - 1),
    );
  };

  // A token is current when its user is active and its version is not older than the user's (see auth/user-state.ts).
  const current = async (claims: AccessClaims | undefined) => {
    if (!claims) return false;
    const state = await app.userState.get(claims.sub);
    return !!state?.active && (claims.tv ?? 0) >= state.tokenVersion;
  };

  // Revocation from any process: this process's sockets of that user are re-authorised, and dropped if stale.
  app.userState.events.on('revoked', (userId: string) => {
    void (async () => {
      const state = await app.userState.get(userId);
      for (const socket of io.of('/').sockets.values()) {
        if (socket.data.actor?.id !== userId) continue;
        const tv = (socket.data as SocketData & { tv?: number }).tv ?? 0;
        if (!state?.active || tv < state.tokenVersion) {
          socket.emit('auth_revoked', { reason: 'access revoked; sign in again' });
          socket.disconnect(true);
        }
      }
    })().catch((err: unknown) => app.log.error({ err }, 'socket revocation failed'));
  });

  io.use(async (socket, next) => {
    const token = socket.handshake.auth?.token;
    const claims = typeof token === 'string' ? verifyAccessToken(app.jwt, token) : undefined;
    if (!claims || !(await current(claims).catch(() => false)))
      return next(Object.assign(new Error('unauthorized'), { data: { status: 401, detail: 'A valid access token is required' } }));
    (socket.data as SocketData & { tv?: number }).tv = claims.tv ?? 0;
    socket.data.actor = {
      kind: 'user',
      id: claims.sub,
      username: claims.name,
      roles: claims.roles,
      warehouseIds: claims.wh,
      allWarehouses: claims.roles.includes('admin'),
      scopes: [],
      deviceId: claims.did,
    };
    (socket.data as SocketData & { exp: number }).exp = claims.exp;
    next();
  });

  io.on('connection', (socket) => {
    socketConnections.inc();
    armExpiry(socket, (socket.data as SocketData & { exp: number }).exp);
    void socket.join(`user:${socket.data.actor.id}`);
    socket.on('disconnect', () => {
      socketConnections.dec();
      clearTimeout(socket.data.expiryTimer);
    });

    // A driver's phone sends its position pings here while the socket is up (HTTP when offline).
    handlePositions(app, socket, () => socket.data.actor);

    socket.on('subscribe', async (raw: unknown, ack?: (r: unknown) => void) => {
      const parsed = subscribeMsg.safeParse(raw);
      if (!parsed.success)
        return ack?.({ error: 'invalid subscribe message', issues: parsed.error.issues.map((i) => i.path.join('.') + ': ' + i.message) });
      const em = app.orm.em.fork();
      const joined: string[] = [];
      const refused: string[] = [];
      for (const room of parsed.data.rooms) {
        if (await mayJoin(em, socket.data.actor, room)) {
          await socket.join(room);
          joined.push(room);
        } else refused.push(room);
      }
      // Joined first, then replay: a live event racing the replay is a duplicate, never a gap.
      let replayed = 0;
      // Replay is bounded: a client too far behind (or behind the pruned outbox) gets `resync` and reloads its view.
      const resync: string[] = [];
      const max = app.config.SOCKET_REPLAY_MAX;
      for (const [wid, last] of Object.entries(parsed.data.lastSeq)) {
        if (!joined.includes(`warehouse:${wid}`)) continue;
        const span = await sqlOne<AttachSocketGatewayRow>(
          em,
          'select min(seq) as oldest, max(seq) as newest from outbox where warehouse_id = ? and seq is not null',
          [wid],
        );
        const oldest = span?.oldest ? Number(span.oldest) : undefined;
        const newest = span?.newest ? Number(span.newest) : 0;
        if ((oldest !== undefined && last + 1 < oldest) || newest - last > max) {
          socket.emit('resync', { warehouseId: wid, fromSeq: last, latestSeq: newest, reason: 'too far behind to replay; reload' });
          resync.push(wid);
          continue;
        }
        for (let after = last; ;) {
          const batch = await eventsAfter(em, wid, after, 500);
          for (const e of batch) socket.emit('event', e);
          replayed += batch.length;
          if (batch.length < 500) break;
          after = batch.at(-1)!.seq;
        }
      }
      socketEventsSent.inc(replayed);
      ack?.({ joined, refused, replayed, resync });
    });

    socket.on('unsubscribe', async (raw: unknown, ack?: (r: unknown) => void) => {
      const rooms = z.object({ rooms: z.array(z.string()) }).safeParse(raw);
      if (rooms.success) for (const r of rooms.data.rooms) await socket.leave(r);
      ack?.({ ok: rooms.success });
    });

    // Re-authorisation: the new token replaces the actor (roles and warehouses may have changed), and every room the
    // socket is in is checked again; rooms the new token may not see are left.
    socket.on('reauth', async (raw: unknown, ack?: (r: unknown) => void) => {
      const token = (raw as { token?: unknown })?.token;
      const claims = typeof token === 'string' ? verifyAccessToken(app.jwt, token) : undefined;
      if (!claims || claims.sub !== socket.data.actor.id || !(await current(claims).catch(() => false))) return ack?.({ ok: false });
      socket.data.actor = {
        ...socket.data.actor,
        roles: claims.roles,
        warehouseIds: claims.wh,
        allWarehouses: claims.roles.includes('admin'),
      };
      (socket.data as SocketData & { tv?: number }).tv = claims.tv ?? 0;
      const em = app.orm.em.fork();
      const left: string[] = [];
      for (const room of socket.rooms) {
        if (room === socket.id || room === `user:${claims.sub}`) continue;
        if (!(await mayJoin(em, socket.data.actor, room))) {
          await socket.leave(room);
          left.push(room);
        }
      }
      armExpiry(socket, claims.exp);
      ack?.({ ok: true, exp: claims.exp, left });
    });
  });
  return io as unknown as Server;
}
