import type { FastifyInstance } from 'fastify';
import {
  authorizePing,
  loadPositionContext,
  positionReported,
  storePositions,
  type PingToStore,
  type PositionContextRow,
  type StoredPing,
} from '../domain/dispatch/positions.js';
import type { PositionBody } from '../domain/dispatch/live.schemas.js';
import type { Actor } from '../domain/shared/roles.js';
import { withTx } from '../platform/db.js';
import { GroupCommit } from '../platform/group-commit.js';
import { ListenCache } from '../platform/listen-cache.js';
import { idempotencyContext, markScopesApplied, type IdempotencyScope } from '../platform/idempotency-context.js';

/**
 * A driver's position ping, whichever way it came (`POST /v1/vehicles/:id/positions`, or the
 * `position` message on the driver's own socket, which skips the HTTP round's parsing, hooks and
 * headers): authorised from a per-process cache, pushed live at once, then stored by group commit.
 * One instance per API process (`app.positions`), so both paths share the cache and the batches.
 */
export class PositionPings {
  // Pings are stored by group commit: every ping that arrives while a batch is being written goes in the next one
  // (one transaction, one insert, one live-state load for the routes touched). Each ping still answers only once its
  // row (and the notices it led to) committed, with its Idempotency-Key marked applied in that same transaction.
  private readonly pings: GroupCommit<PingToStore & { idem?: IdempotencyScope }, StoredPing>;
  // Who may ping a vehicle and its route room, per process; triggers NOTIFY every change on commit (see ListenCache).
  private readonly contexts: ListenCache<PositionContextRow | undefined>;

  constructor(private readonly app: FastifyInstance) {
    this.pings = new GroupCommit((batch) =>
      idempotencyContext.exit(async () => {
        let done = () => undefined as void;
        const out = await withTx(app.orm.em, async (tx) => {
          const stored = await storePositions(tx, batch, app.clock.now());
          done = (
            await markScopesApplied(
              tx,
              batch.flatMap((p) => (p.idem ? [p.idem] : [])),
            )
          ).committed;
          return stored;
        });
        done();
        return out;
      }),
    );
    this.contexts = new ListenCache(app.config.DATABASE_URL, 'dockside_vehicle_context', app.log);
  }

  start(): Promise<void> {
    return this.contexts.start();
  }

  async stop(): Promise<void> {
    await this.pings.close();
    await this.contexts.stop();
  }

  /** Authorises (404 outside the actor's reach), pushes the position live, then resolves once it is stored. */
  async report(actor: Actor, vehicleId: string, body: PositionBody, trackingBase: string, idem?: IdempotencyScope): Promise<StoredPing> {
    const ctx = authorizePing(
      actor,
      vehicleId,
      await this.contexts.get(vehicleId, () => loadPositionContext(this.app.orm.em.fork(), vehicleId)),
    );
    const now = this.app.clock.now();
    const live = positionReported(ctx, body, now);
    // Live first: the dispatchers' map does not wait for the write.
    this.app.telemetry.publish(live.rooms, {
      type: 'vehicle.position_reported',
      warehouseId: ctx.warehouseId,
      payload: live.payload,
      occurredAt: now.toISOString(),
    });
    return this.pings.submit({
      ctx,
      body,
      recordedAt: live.payload.recordedAt,
      actorId: actor.id,
      trackingBase,
      ...(idem ? { idem } : {}),
    });
  }
}
