import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { planWave, releaseDueTemplates } from '../domain/picking/wave-planning.js';
import { systemClock } from '../domain/shared/clock.js';
import { DomainError } from '../domain/shared/errors.js';
import { sql } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import type { WaveTemplateRow } from '../domain/picking/entities/wave-template.entity.js';

export const WAVE_TICK_MS = 10_000;

/**
 * Scheduled release (a tick releases every template whose time has come) and waveless streaming
 * (each `order.allocated` goes straight to the floor through the warehouse's streaming templates).
 */
export const waveReleaseProcessor = (rt: Runtime): Processor => {
  void rt.queues
    .get('wave-release')
    .upsertJobScheduler('template-tick', { every: WAVE_TICK_MS }, { name: 'tick', data: { kind: 'tick' } })
    .catch((err: unknown) => rt.logger.error({ err }, 'could not schedule wave release'));
  return async (job) => {
    const data = queueDefs['wave-release'].payload.parse(job.data);
    if ('kind' in data) return { waves: await withTx(rt.orm.em, (tx) => releaseDueTemplates(tx, systemClock)) };
    const e = parseDomainEvent(data);
    const orderId = (e.payload as { orderId?: string }).orderId;
    if (!orderId) return { skipped: 'no order' };
    const templates = await sql<Pick<WaveTemplateRow, 'id'>>(
      rt.orm.em.fork(),
      'select id from wave_template where warehouse_id = ? and active and streaming order by priority desc, name',
      [e.warehouseId],
    );
    for (const t of templates) {
      try {
        const w = await withTx(rt.orm.em, (tx) =>
          planWave(tx, null, e.warehouseId, { templateId: t.id, orderIds: [orderId], release: true }, systemClock),
        );
        return { waveId: w.id };
      } catch (err) {
        // The order does not fit this template (or is already in a wave): try the next one.
        if (err instanceof DomainError && (err.type === 'wave-empty' || err.status === 409)) continue;
        throw err;
      }
    }
    return { skipped: 'no streaming template takes it' };
  };
};
