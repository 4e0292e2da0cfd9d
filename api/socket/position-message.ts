import type { FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { positionBody, type PositionAck } from '../../domain/dispatch/live.schemas.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { Actor } from '../../domain/shared/roles.js';
import { PROBLEM_BASE } from '../problem.js';

/** Who may ping: the same roles as `POST /v1/vehicles/:id/positions` (admins too). */
const PINGERS = ['dispatcher', 'supervisor', 'driver', 'admin'] as const;

const positionMessage = positionBody.extend({ vehicleId: z.uuid() });

/**
 * `position` on a driver's socket: `{vehicleId, lat, lng, accuracyM?, speedMps?, headingDeg?,
 * recordedAt?}` with an ack. The same rules and effects as the HTTP ping (the socket's actor from
 * its handshake token, kept current by `reauth` and revocation), without an HTTP request per ping.
 * Not idempotent by key: the phone's offline queue replays over HTTP with its Idempotency-Key.
 */
export function handlePositions(app: FastifyInstance, socket: Socket, actor: () => Actor): void {
  socket.on('position', async (raw: unknown, ack?: (r: PositionAck) => void) => {
    const reply = ack ?? (() => undefined);
    const who = actor();
    if (!PINGERS.some((r) => who.roles.includes(r)))
      return reply(problem(403, 'forbidden', `Requires one of the roles: ${PINGERS.join(', ')}`));
    const parsed = positionMessage.safeParse(raw);
    if (!parsed.success)
      return reply(
        problem(
          400,
          'validation-error',
          'The position message is invalid',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        ),
      );
    const { vehicleId, ...body } = parsed.data;
    try {
      const base = (
        app.config.PUBLIC_URL ?? `${socket.handshake.secure ? 'https' : 'http'}://${socket.handshake.headers.host ?? 'localhost'}`
      ).replace(/\/$/, '');
      reply({ ok: true, ...(await app.positions.report(who, vehicleId, body, `${base}/console/#/track/`)) });
    } catch (err) {
      if (err instanceof DomainError) return reply(problem(err.status, err.type, err.message, err.errors));
      app.log.error({ err }, 'socket position ping failed');
      reply(problem(500, 'internal', 'The ping could not be stored'));
    }
  });
}

const problem = (status: number, type: string, detail: string, errors: { path: string; message: string }[] = []): PositionAck => ({
  ok: false,
  type: `${PROBLEM_BASE}${type}`,
  status,
  detail,
  errors,
});
