/**
 * Cycle counts: tasks by location, by SKU (every location holding it) or from the ABC schedule;
 * blind counts (expected quantities hidden from the counter); one recount when a round is over the
 * variance tolerance; supervisor approval when the recount is still over; adjustments posted through
 * the ledger as `count` movements; inventory record accuracy as the KPI.
 */
import { keyset } from '../shared/cursor.js';
import type { CountTaskView } from './inventory.schemas.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { BadRequest, Conflict, NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { accuracyKpi, abcDue, evaluateCount, nextCountStatus } from './count-rules.js';
import { postMovement, releaseReservations } from './ledger.service.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { CountTaskRow } from './entities/count-task.entity.js';
import type { CountLineRow } from './entities/count-line.entity.js';
import type { StockReservationRow } from './entities/stock-reservation.entity.js';

export interface CreateCountsCmd {
  warehouseId: string;
  kind: 'location' | 'sku' | 'abc';
  locationIds?: string[];
  skuId?: string;
  maxSkus?: number;
  blind?: boolean;
  varianceThresholdPct?: number;
  varianceThresholdQty?: number;
  userId?: string;
  today?: Date;
}
export type CreateCountTasksRow = Pick<SkuRow, 'velocity_class'> & { sku_id: string; last: Date | string | null };

/** Creates count tasks (one per location); an open task on the same location/SKU is not duplicated. */
export async function createCountTasks(tx: EntityManager, cmd: CreateCountsCmd): Promise<CountTaskView[]> {
  let targets: { locationId: string; skuId: string | null; abc: string | null }[];
  if (cmd.kind === 'location') {
    if (!cmd.locationIds?.length)
      throw new BadRequest('locationIds are required for a location count', [{ path: 'body.locationIds', message: 'required' }]);
    const locs = await sql<Pick<LocationRow, 'id'>>(tx, 'select id from location where warehouse_id = ? and id = any(?::uuid[])', [
      cmd.warehouseId,
      `{${cmd.locationIds.join(',')}}`,
    ]);
    if (locs.length !== new Set(cmd.locationIds).size) throw new NotFound('Location');
    targets = locs.map((l) => ({ locationId: l.id, skuId: null, abc: null }));
  } else if (cmd.kind === 'sku') {
    if (!cmd.skuId) throw new BadRequest('skuId is required for a SKU count', [{ path: 'body.skuId', message: 'required' }]);
    const locs = await sql<Pick<StockBalanceRow, 'location_id'>>(
      tx,
      'select distinct location_id from stock_balance where warehouse_id = ? and sku_id = ? and on_hand > 0',
      [cmd.warehouseId, cmd.skuId],
    );
    targets = locs.map((l) => ({ locationId: l.location_id, skuId: cmd.skuId!, abc: null }));
  } else {
    const cands = await sql<CreateCountTasksRow>(
      tx,
      `
      select s.id as sku_id, s.velocity_class, (select max(t.completed_at) from count_task t join count_line cl on cl.task_id = t.id
        where t.warehouse_id = ? and t.status = 'completed' and cl.sku_id = s.id) as last
      from sku s where s.active and exists (select 1 from stock_balance b where b.sku_id = s.id and b.warehouse_id = ? and b.on_hand > 0)`,
      [cmd.warehouseId, cmd.warehouseId],
    );
    const due = abcDue(
      cands.map((c) => ({ skuId: c.sku_id, velocityClass: c.velocity_class, lastCountedAt: c.last ? new Date(c.last) : null })),
      cmd.today ?? new Date(),
      cmd.maxSkus ?? 20,
    );
    const cls = new Map(cands.map((c) => [c.sku_id, c.velocity_class]));
    const locs = await sql<Pick<StockBalanceRow, 'location_id' | 'sku_id'>>(
      tx,
      'select distinct location_id, sku_id from stock_balance where warehouse_id = ? and sku_id = any(?::uuid[]) and on_hand > 0',
      [cmd.warehouseId, `{${due.join(',')}}`],
    );
    targets = locs.map((l) => ({ locationId: l.location_id, skuId: l.sku_id, abc: cls.get(l.sku_id) ?? 'C' }));
  }
  const created: CountTaskView[] = [];
  for (const t of targets) {
    const open = await sqlOne(
      tx,
      `select 1 from count_task where location_id = ? and sku_id is not distinct from ?::uuid and status in ('open', 'recount', 'pending_approval')`,
      [t.locationId, t.skuId],
    );
    if (open) continue;
    const row = await sqlOne<Pick<CountTaskRow, 'id'>>(
      tx,
      `insert into count_task (warehouse_id, kind, location_id, sku_id, blind, variance_threshold_pct, variance_threshold_qty, abc_class, created_by)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        cmd.warehouseId,
        cmd.kind,
        t.locationId,
        t.skuId,
        cmd.blind ?? true,
        cmd.varianceThresholdPct ?? 5,
        cmd.varianceThresholdQty ?? 2,
        t.abc,
        cmd.userId ?? null,
      ],
    );
    await emit(tx, {
      type: 'count.task_created',
      warehouseId: cmd.warehouseId,
      actorId: cmd.userId,
      payload: { taskId: row!.id, locationId: t.locationId, skuId: t.skuId, kind: cmd.kind, blind: cmd.blind ?? true },
    });
    created.push(await getCountTask(tx, row!.id, { showExpected: false }));
  }
  return created;
}

/** `expiry` is read as expiry::text. */
type ExpectedRow = Pick<StockBalanceRow, 'sku_id' | 'lot' | 'expiry' | 'lpn_id' | 'on_hand'> & {
  balance_id: StockBalanceRow['id'];
  sku_code: SkuRow['code'];
};

/**
 * The location's available stock. With `lock`, every balance row of the location is locked, empty ones included, and
 * only then filtered to stock on hand (here, not in SQL, where the planner would push the filter into the locking scan):
 * a row that was empty in the statement's snapshot while a receipt into it was still uncommitted would otherwise be
 * skipped without waiting, leaving that receipt out of the expected quantity although its movement comes first in the
 * ledger, so the count's adjustment (counted − expected) would add it a second time.
 */
async function expectedAt(tx: EntityManager, locationId: string, skuId: string | null, lock: boolean): Promise<ExpectedRow[]> {
  const rows = await sql<ExpectedRow>(
    tx,
    `select b.id as balance_id, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry, b.lpn_id, b.on_hand
    from stock_balance b join sku s on s.id = b.sku_id
    where b.location_id = ? and b.status = 'available' and (?::uuid is null or b.sku_id = ?::uuid) ${lock ? '' : 'and b.on_hand > 0'}
    order by b.id ${lock ? 'for update of b' : ''}`,
    [locationId, skuId, skuId],
  );
  return lock ? rows.filter((r) => r.on_hand > 0) : rows;
}

/**
 * The expected quantities of a count, serialized with every movement into the location: a movement comes either
 * before the snapshot (and is in it) or after the count commits. The balance rows that exist are locked first (movers
 * on them finish or wait). A movement that creates a new balance row (a new lot, plate or status in the bin) locks no
 * existing row, but its insert holds a key-share lock on the location row (the foreign key) until it commits: locking
 * the location row for update waits for those, and holds off new ones until the count commits. Then the read again
 * sees and locks the rows they created. Location first would deadlock with every plain move (balance, then the
 * movement's key-share lock); this order can only meet a move within the location to a new key that credits first,
 * and a deadlock is retried (withTx).
 */
async function snapshotLocation(tx: EntityManager, locationId: string, skuId: string | null): Promise<ExpectedRow[]> {
  await expectedAt(tx, locationId, skuId, true);
  await sql(tx, 'select 1 from location where id = ? for update', [locationId]);
  return expectedAt(tx, locationId, skuId, true);
}

/** The task; expected quantities only when showExpected (never to the counter of a blind count). */
export async function getCountTask(em: EntityManager, id: string, o: { showExpected: boolean }): Promise<CountTaskView> {
  const t = await sqlOne<Record<string, any>>(
    em,
    'select t.*, l.code as location_code from count_task t join location l on l.id = t.location_id where t.id = ?',
    [id],
  );
  if (!t) throw new NotFound('Count task', id);
  const view: CountTaskView = {
    id: t.id,
    warehouseId: t.warehouse_id,
    kind: t.kind,
    locationId: t.location_id,
    locationCode: t.location_code,
    skuId: t.sku_id,
    blind: t.blind,
    status: t.status,
    round: t.round,
    varianceThresholdPct: Number(t.variance_threshold_pct),
    varianceThresholdQty: t.variance_threshold_qty,
    createdAt: new Date(t.created_at).toISOString(),
    countedAt: t.counted_at ? new Date(t.counted_at).toISOString() : null,
    completedAt: t.completed_at ? new Date(t.completed_at).toISOString() : null,
  };
  if (o.showExpected || !t.blind) {
    view.expected = (await expectedAt(em, t.location_id, t.sku_id, false)).map((r) => ({
      skuId: r.sku_id,
      skuCode: r.sku_code,
      lot: r.lot,
      expiry: r.expiry,
      lpnId: r.lpn_id,
      qty: r.on_hand,
    }));
    const lines = await sql<Record<string, any>>(
      em,
      'select round, sku_id, lot, expiry::text as expiry, lpn_id, expected_qty, counted_qty from count_line where task_id = ? order by round, sku_id, lot',
      [id],
    );
    view.lines = lines.map((l) => ({
      round: l.round,
      skuId: l.sku_id,
      lot: l.lot,
      expiry: l.expiry,
      lpnId: l.lpn_id,
      expectedQty: l.expected_qty,
      countedQty: l.counted_qty,
    }));
  }
  return view;
}

export interface CountedLine {
  skuId: string;
  lot?: string | null;
  expiry?: string | null;
  lpnId?: string | null;
  qty: number;
}

const keyOf = (k: { skuId: string; lot?: string | null; expiry?: string | null; lpnId?: string | null }) =>
  `${k.skuId}|${k.lot ?? ''}|${k.expiry ?? ''}|${k.lpnId ?? ''}`;

/**
 * Records one count round. Expected quantities are snapshotted under row locks at this moment; a
 * record the counter did not report counts as 0. Within tolerance the adjustments post right away;
 * over tolerance the first round asks for a recount and the second waits for approval.
 */
export async function submitCount(
  tx: EntityManager,
  taskId: string,
  lines: CountedLine[],
  o: { userId?: string; deviceId?: string },
): Promise<CountTaskView> {
  const t = await sqlOne<Record<string, any>>(tx, 'select * from count_task where id = ? for update', [taskId]);
  if (!t) throw new NotFound('Count task', taskId);
  if (t.status !== 'open' && t.status !== 'recount') throw new Conflict(`Count task ${taskId} is ${t.status}`, 'count-not-open');
  for (const l of lines)
    if (t.sku_id && l.skuId !== t.sku_id)
      throw new BadRequest(`this task counts SKU ${t.sku_id} only`, [{ path: 'body.lines', message: 'other SKU' }]);
  const seen = new Set<string>();
  for (const l of lines) {
    const k = keyOf(l);
    if (seen.has(k))
      throw new BadRequest('each SKU/lot/expiry/LPN may appear once per count', [{ path: 'body.lines', message: `duplicate ${k}` }]);
    seen.add(k);
  }
  const expected = await snapshotLocation(tx, t.location_id, t.sku_id);
  const merged = new Map<
    string,
    { skuId: string; lot: string | null; expiry: string | null; lpnId: string | null; expected: number; counted: number }
  >();
  for (const e of expected)
    merged.set(keyOf({ skuId: e.sku_id, lot: e.lot, expiry: e.expiry, lpnId: e.lpn_id }), {
      skuId: e.sku_id,
      lot: e.lot,
      expiry: e.expiry,
      lpnId: e.lpn_id,
      expected: e.on_hand,
      counted: 0,
    });
  for (const l of lines) {
    const k = keyOf(l);
    const m = merged.get(k) ?? {
      skuId: l.skuId,
      lot: l.lot || null,
      expiry: l.expiry ?? null,
      lpnId: l.lpnId ?? null,
      expected: 0,
      counted: 0,
    };
    m.counted = l.qty;
    merged.set(k, m);
  }
  const rows = [...merged.values()];
  for (const r of rows) {
    await sql(
      tx,
      `insert into count_line (task_id, round, sku_id, lot, expiry, lpn_id, expected_qty, counted_qty, counted_by) values (?, ?, ?, ?, ?::date, ?::uuid, ?, ?, ?)`,
      [taskId, t.round, r.skuId, r.lot, r.expiry, r.lpnId, r.expected, r.counted, o.userId ?? null],
    );
  }
  const ev = evaluateCount(rows, { pct: Number(t.variance_threshold_pct), qty: t.variance_threshold_qty });
  const next = nextCountStatus(t.round, ev);
  if (next === 'recount') {
    await sql(tx, `update count_task set status = 'recount', round = round + 1, counted_at = now() where id = ?`, [taskId]);
    await emit(tx, {
      type: 'count.recount_requested',
      warehouseId: t.warehouse_id,
      actorId: o.userId,
      payload: { taskId, round: t.round + 1, varianceQty: ev.netVarianceQty },
    });
  } else if (next === 'pending_approval') {
    await sql(tx, `update count_task set status = 'pending_approval', counted_at = now() where id = ?`, [taskId]);
  } else {
    await sql(tx, 'update count_task set counted_at = now() where id = ?', [taskId]);
    await applyCount(tx, t, t.round, o.userId ?? null, null, o.deviceId);
  }
  await emit(tx, {
    type: 'count.submitted',
    warehouseId: t.warehouse_id,
    actorId: o.userId,
    payload: { taskId, round: t.round, status: next },
  });
  return getCountTask(tx, taskId, { showExpected: false });
}

/** Supervisor decision on a count still over tolerance after its recount. */
export async function approveCount(tx: EntityManager, taskId: string, approve: boolean, userId: string | null): Promise<CountTaskView> {
  const t = await sqlOne<Record<string, any>>(tx, 'select * from count_task where id = ? for update', [taskId]);
  if (!t) throw new NotFound('Count task', taskId);
  if (t.status !== 'pending_approval') throw new Conflict(`Count task ${taskId} is ${t.status}, not pending approval`, 'count-not-pending');
  if (approve) await applyCount(tx, t, t.round, userId, userId);
  else await sql(tx, `update count_task set status = 'rejected', completed_at = now(), approved_by = ? where id = ?`, [userId, taskId]);
  return getCountTask(tx, taskId, { showExpected: true });
}
export type ApplyCountRow = Pick<CountLineRow, 'sku_id' | 'lot' | 'lpn_id' | 'expected_qty' | 'counted_qty'> & { expiry: string | null };

/**
 * Posts the round's variances as `count` movements. The adjustment is counted − expected-at-count,
 * so stock moved after the count is kept. A loss that would cut into reserved stock first releases
 * that balance's reservations (allocation re-runs on the event).
 */
async function applyCount(
  tx: EntityManager,
  t: Record<string, any>,
  round: number,
  userId: string | null,
  approvedBy: string | null,
  deviceId?: string,
): Promise<void> {
  const lines = await sql<ApplyCountRow>(
    tx,
    'select sku_id, lot, expiry::text as expiry, lpn_id, expected_qty, counted_qty from count_line where task_id = ? and round = ? order by sku_id, lot',
    [t.id, round],
  );
  let adjustments = 0;
  let net = 0;
  for (const l of lines) {
    const delta = l.counted_qty - l.expected_qty;
    if (delta === 0) continue;
    const key = { locationId: t.location_id, lot: l.lot, expiry: l.expiry, lpnId: l.lpn_id, status: 'available' as const };
    if (delta < 0) {
      const bal = await sqlOne<Pick<StockBalanceRow, 'id' | 'on_hand' | 'reserved'>>(
        tx,
        `select id, on_hand, reserved from stock_balance where location_id = ? and sku_id = ?
        and lot is not distinct from ? and expiry is not distinct from ?::date and lpn_id is not distinct from ?::uuid and status = 'available' for update`,
        [t.location_id, l.sku_id, l.lot, l.expiry, l.lpn_id],
      );
      const take = Math.min(-delta, bal?.on_hand ?? 0);
      if (take === 0) continue;
      if (bal && bal.on_hand - bal.reserved < take) {
        const pend = await sql<Pick<StockReservationRow, 'id'>>(
          tx,
          `select id from stock_reservation where balance_id = ? and status = 'pending'`,
          [bal.id],
        );
        await releaseReservations(tx, { reservationIds: pend.map((p) => p.id) }, `count:${t.id}`);
      }
      await postMovement(tx, {
        warehouseId: t.warehouse_id,
        type: 'count',
        skuId: l.sku_id,
        qty: take,
        from: key,
        reasonCode: 'cycle-count',
        refType: 'count_task',
        refId: t.id,
        userId: userId ?? undefined,
        deviceId,
      });
      net -= take;
    } else {
      await postMovement(tx, {
        warehouseId: t.warehouse_id,
        type: 'count',
        skuId: l.sku_id,
        qty: delta,
        to: key,
        reasonCode: 'cycle-count',
        refType: 'count_task',
        refId: t.id,
        userId: userId ?? undefined,
        deviceId,
      });
      net += delta;
    }
    adjustments++;
  }
  await sql(tx, `update count_task set status = 'completed', completed_at = now(), approved_by = ? where id = ?`, [approvedBy, t.id]);
  await emit(tx, {
    type: 'count.completed',
    warehouseId: t.warehouse_id,
    actorId: userId ?? undefined,
    payload: { taskId: t.id, locationId: t.location_id, adjustments, netVarianceQty: net, approvedBy },
  });
}

const countKeys = keyset(['uuid']);

/** Open / waiting tasks of a warehouse, oldest first (the counter's queue). */
export async function listCountTasks(em: EntityManager, f: { warehouseId: string; status?: string; cursor?: string; limit: number }) {
  const after = countKeys.after(f.cursor)?.[0] ?? null;
  const rows = await sql<Pick<CountTaskRow, 'id' | 'created_at'>>(
    em,
    `select id, created_at from count_task where warehouse_id = ? and (?::text is null or status = ?)
    and (?::uuid is null or id > ?::uuid) order by id limit ?`,
    [f.warehouseId, f.status ?? null, f.status ?? null, after, after, f.limit + 1],
  );
  const page = countKeys.page(rows, f.limit, (r) => [r.id]);
  const items: CountTaskView[] = [];
  for (const r of page.items) items.push(await getCountTask(em, r.id, { showExpected: false }));
  return { items, nextCursor: page.nextCursor };
}
export type CountAccuracyRow = { n: number };

/** Inventory record accuracy over completed counts (first rounds) in a time range. */
export async function countAccuracy(em: EntityManager, f: { warehouseId: string; from?: string; to?: string }) {
  const lines = await sql<Pick<CountLineRow, 'expected_qty' | 'counted_qty'>>(
    em,
    `select cl.expected_qty, cl.counted_qty from count_line cl join count_task t on t.id = cl.task_id
    where t.warehouse_id = ? and t.status in ('completed', 'rejected') and cl.round = 1
      and (?::timestamptz is null or t.completed_at >= ?::timestamptz) and (?::timestamptz is null or t.completed_at <= ?::timestamptz)`,
    [f.warehouseId, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null],
  );
  const tasks = await sqlOne<CountAccuracyRow>(
    em,
    `select count(*)::int as n from count_task where warehouse_id = ? and status = 'completed'
    and (?::timestamptz is null or completed_at >= ?::timestamptz) and (?::timestamptz is null or completed_at <= ?::timestamptz)`,
    [f.warehouseId, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null],
  );
  return { tasks: tasks?.n ?? 0, ...accuracyKpi(lines.map((l) => ({ expected: l.expected_qty, counted: l.counted_qty }))) };
}
