/** How a wave reads: its row, the view the API answers with, one wave and the warehouse's wave list. */
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { WaveView } from './wave.schemas.js';
import type { WaveOrderRow } from './entities/wave-order.entity.js';
import type { TaskRow } from '../tasks/entities/task.entity.js';
import { iso } from '../shared/time.js';

export interface WaveRow {
  id: string;
  warehouse_id: string;
  number: string | number;
  template_id: string | null;
  status: WaveView['status'];
  pick_mode: WaveView['pickMode'];
  cart_slots: number;
  streaming: boolean;
  priority: number;
  allocation_log: WaveView['allocationLog'];
  created_at: Date | string;
  released_at: Date | string | null;
  completed_at: Date | string | null;
}

export function assertWh(actor: Actor | null, warehouseId: string, what: string, id: string) {
  if (actor && !canSeeWarehouse(actor, warehouseId)) throw new NotFound(what, id);
}

const waveKeys = keyset(['uuid']);

export async function getWave(em: EntityManager, actor: Actor | null, waveId: string): Promise<WaveView> {
  const w = await sqlOne<WaveRow>(em, 'select * from wave where id = ?', [waveId]);
  if (!w) throw new NotFound('Wave', waveId);
  assertWh(actor, w.warehouse_id, 'Wave', waveId);
  const orders = await sql<Pick<WaveOrderRow, 'order_id'>>(
    em,
    `select order_id from wave_order where wave_id = ? and status <> 'removed' order by order_id`,
    [waveId],
  );
  const tasks = await sql<Pick<TaskRow, 'id'>>(em, 'select id from task where wave_id = ? order by created_at, id', [waveId]);
  return toWaveView(
    w,
    orders.map((o) => o.order_id),
    tasks.map((t) => t.id),
  );
}

export function toWaveView(w: WaveRow, orderIds: string[], taskIds: string[]): WaveView {
  return {
    id: w.id,
    warehouseId: w.warehouse_id,
    number: Number(w.number),
    templateId: w.template_id,
    status: w.status,
    pickMode: w.pick_mode,
    cartSlots: w.cart_slots,
    streaming: w.streaming,
    priority: w.priority,
    orderIds,
    taskIds,
    allocationLog: w.allocation_log,
    createdAt: iso(w.created_at)!,
    releasedAt: iso(w.released_at),
    completedAt: iso(w.completed_at),
  };
}

export async function listWaves(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  q: { status?: string; cursor?: string; limit: number },
): Promise<{ items: WaveView[]; nextCursor: string | null }> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  const after = waveKeys.after(q.cursor)?.[0] ?? null;
  const rows = await sql<WaveRow>(
    em,
    `select * from wave where warehouse_id = ? and (?::text is null or status = ?)
    and (?::uuid is null or (created_at, id) < (select created_at, id from wave where id = ?::uuid)) order by created_at desc, id desc limit ?`,
    [warehouseId, q.status ?? null, q.status ?? null, after, after, q.limit + 1],
  );
  const page = waveKeys.page(rows, q.limit, (w) => [w.id]);
  return { items: page.items.map((w) => toWaveView(w, [], [])), nextCursor: page.nextCursor };
}
