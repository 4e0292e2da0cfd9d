import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { eventsAfter } from '../../domain/events/event-log.js';
import type { Actor } from '../../domain/shared/roles.js';
import { verifyAccessToken } from '../auth/jwt.js';
import { socketConnections, socketEventsSent } from '../plugins/metrics.js';
import { mayJoin } from './rooms.js';

const subscribeMsg = z.object({
  rooms: z.array(z.string().max(80)).max(50),
  /** Last seq seen per warehouse; events after it are replayed before live ones. */
  lastSeq: z.record(z.string(), z.number().int().min(0)).default({}),
});

interface SocketData {
  actor: Actor;
  expiryTimer?: NodeJS.Timeout;
}

export function socketKey(prefix: string): string {
  return `${prefix}:sio`;
}

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

  io.use((socket, next) => {
    const token = socket.handshake.auth?.token;
    const claims = typeof token === 'string' ? verifyAccessToken(app.jwt, token) : undefined;
    if (!claims)
      return next(Object.assign(new Error('unauthorized'), { data: { status: 401, detail: 'A valid access token is required' } }));
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
      for (const [wid, last] of Object.entries(parsed.data.lastSeq)) {
        if (!joined.includes(`warehouse:${wid}`)) continue;
        for (let after = last; ;) {
          const batch = await eventsAfter(em, wid, after, 500);
          for (const e of batch) socket.emit('event', e);
          replayed += batch.length;
          if (batch.length < 500) break;
          after = batch.at(-1)!.seq;
        }
      }
      socketEventsSent.inc(replayed);
      ack?.({ joined, refused, replayed });
    });

    socket.on('unsubscribe', async (raw: unknown, ack?: (r: unknown) => void) => {
      const rooms = z.object({ rooms: z.array(z.string()) }).safeParse(raw);
      if (rooms.success) for (const r of rooms.data.rooms) await socket.leave(r);
      ack?.({ ok: rooms.success });
    });

    socket.on('reauth', (raw: unknown, ack?: (r: unknown) => void) => {
      const token = (raw as { token?: unknown })?.token;
      const claims = typeof token === 'string' ? verifyAccessToken(app.jwt, token) : undefined;
      if (!claims || claims.sub !== socket.data.actor.id) return ack?.({ ok: false });
      armExpiry(socket, claims.exp);
      ack?.({ ok: true, exp: claims.exp });
    });
  });
  return io as unknown as Server;
}
