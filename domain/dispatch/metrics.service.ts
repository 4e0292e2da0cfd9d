import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql } from '../shared/sql.js';
import { computeMetrics, type HistoryEvent, type Metrics } from './metrics.js';
import type { OutboxRow } from '../events/entities/outbox.entity.js';

/** Event types the metrics read (the rest of the history is skipped at the database). */
const TYPES = [
  'stop.delivered',
  'stop.failed',
  'shipment.delivered',
  'shipment.delivery_failed',
  'task.line_picked',
  'task.short_picked',
  'task.completed',
  'task.cancelled',
  'pack.discrepancy_found',
  'asn.stocked',
  'count.completed',
  'wave.released',
  'wave.completed',
  'wave.cancelled',
];
export type MetricsForRow = Pick<OutboxRow, 'type' | 'created_at'> & { payload: unknown };

/** The service metrics of a warehouse over [from, to), from its event history (the outbox). */
export async function metricsFor(em: EntityManager, actor: Actor, q: { warehouseId: string; from: Date; to: Date }): Promise<Metrics> {
  if (!canSeeWarehouse(actor, q.warehouseId)) throw new NotFound('Warehouse', q.warehouseId);
  const rows = await sql<MetricsForRow>(
    em,
    `select type, created_at, payload from outbox where warehouse_id = ? and created_at >= ? and created_at < ? and type = any(?::text[])
    order by created_at, id`,
    [q.warehouseId, q.from.toISOString(), q.to.toISOString(), `{${TYPES.join(',')}}`],
  );
  const events: HistoryEvent[] = rows.map((r) => ({ type: r.type, occurredAt: new Date(r.created_at).toISOString(), payload: r.payload }));
  return computeMetrics(events, q);
}
