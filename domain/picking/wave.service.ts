import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { logOrders } from '../orders/order-log.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { assertInWarehouse } from '../shared/scope.js';
import { sql, sqlOne } from '../shared/sql.js';
import { pgArray } from '../shared/sql.js';
import { createTask } from '../tasks/task.service.js';
import { cancelTask } from '../tasks/task.supervisor.js';
import { loadPickGraph, sequenceStops } from './path.service.js';
import { CARTS_CODE, floorLocation } from './floor-locations.js';
import { planPickLists, selectWaveOrders, type WaveCandidate, type WaveFilter } from './wave-planner.js';
import type { PlanWaveInput, WaveTemplateInput, WaveTemplateView, WaveView } from './wave.schemas.js';
import { moveOrders } from '../orders/order-status.js';
import { moveWave } from './wave.lifecycle.js';
import type { SalesOrderRow } from '../orders/entities/sales-order.entity.js';
import type { OrderLineRow } from '../orders/entities/order-line.entity.js';
import type { WaveOrderRow } from './entities/wave-order.entity.js';
import type { TaskRow } from '../tasks/entities/task.entity.js';
import type { WaveRow as WaveTableRow } from './entities/wave.entity.js';
import { iso } from '../shared/time.js';

interface WaveRow {
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
interface TemplateRow {
  id: string;
  warehouse_id: string;
  name: string;
  carrier_codes: string[];
  service_codes: string[];
  zone_ids: string[];
  order_profile: WaveTemplateInput['orderProfile'];
  cutoff_within_s: number | null;
  max_orders: number;
  pick_mode: WaveTemplateInput['pickMode'];
  cart_slots: number;
  streaming: boolean;
  release_every_s: number | null;
  next_release_at: Date | string | null;
  priority: number;
  active: boolean;
}

function toTemplateView(t: TemplateRow): WaveTemplateView {
  return {
    id: t.id,
    warehouseId: t.warehouse_id,
    name: t.name,
    carrierCodes: t.carrier_codes,
    serviceCodes: t.service_codes,
    zoneIds: t.zone_ids,
    orderProfile: t.order_profile,
    cutoffWithinS: t.cutoff_within_s,
    maxOrders: t.max_orders,
    pickMode: t.pick_mode,
    cartSlots: t.cart_slots,
    streaming: t.streaming,
    releaseEveryS: t.release_every_s,
    priority: t.priority,
    active: t.active,
    nextReleaseAt: iso(t.next_release_at),
  };
}

function assertWh(actor: Actor | null, warehouseId: string, what: string, id: string) {
  if (actor && !canSeeWarehouse(actor, warehouseId)) throw new NotFound(what, id);
}

/** Creates a wave template (filters, pick mode, cart slots, optional scheduled/streaming release). */
export async function createWaveTemplate(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  b: WaveTemplateInput,
  clock: Clock,
): Promise<WaveTemplateView> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  await assertInWarehouse(em, warehouseId, [['Zone', b.zoneIds]]);
  if (await sqlOne(em, 'select 1 from wave_template where warehouse_id = ? and name = ?', [warehouseId, b.name]))
    throw new Conflict(`Wave template ${b.name} exists`, 'wave-template-name-taken');
  const next = b.releaseEveryS ? new Date(clock.now().getTime() + b.releaseEveryS * 1000).toISOString() : null;
  const row = (await sqlOne<TemplateRow>(
    em,
    `insert into wave_template (warehouse_id, name, carrier_codes, service_codes, zone_ids, order_profile, cutoff_within_s,
      max_orders, pick_mode, cart_slots, streaming, release_every_s, next_release_at, priority)
    values (?, ?, ?::text[], ?::text[], ?::uuid[], ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [
      warehouseId,
      b.name,
      pgArray(b.carrierCodes),
      pgArray(b.serviceCodes),
      `{${b.zoneIds.join(',')}}`,
      b.orderProfile,
      b.cutoffWithinS,
      b.maxOrders,
      b.pickMode,
      b.cartSlots,
      b.streaming,
      b.releaseEveryS,
      next,
      b.priority,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'wave_template.created',
    objectType: 'wave_template',
    objectId: row.id,
    warehouseId,
  });
  return toTemplateView(row);
}

export async function listWaveTemplates(em: EntityManager, actor: Actor, warehouseId: string): Promise<WaveTemplateView[]> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  return (await sql<TemplateRow>(em, 'select * from wave_template where warehouse_id = ? order by name', [warehouseId])).map(
    toTemplateView,
  );
}
export type CandidatesRow = Pick<OrderLineRow, 'order_id'> & { line_count: number; unit_count: number; short: number };
export type CandidatesRow2 = Pick<OrderLineRow, 'order_id'> & { zone_ids: string[] | null };

/** Allocated orders not yet in a live wave, with what the template filters look at. */
async function candidates(em: EntityManager, warehouseId: string, orderIds?: string[]): Promise<WaveCandidate[]> {
  // Three flat statements joined here rather than per-order correlated subqueries: right after a bulk
  // load (no statistics yet) the planner re-ran those per order, measured at 228 s for 2,400 orders.
  const rows = await sql<Pick<SalesOrderRow, 'id' | 'status' | 'shipping_method' | 'promise_date' | 'priority_rank' | 'created_at'>>(
    em,
    `
    select o.id, o.status, o.shipping_method, o.promise_date, o.priority_rank, o.created_at
    from sales_order o
    where o.warehouse_id = ? and o.status in ('allocated', 'backordered') and (?::uuid[] is null or o.id = any(?::uuid[]))
      and not exists (select 1 from wave_order w where w.order_id = o.id and w.status <> 'removed')
    order by o.priority_rank, o.promise_date nulls last, o.created_at limit 20000`,
    [warehouseId, orderIds ? `{${orderIds.join(',')}}` : null, orderIds ? `{${orderIds.join(',')}}` : null],
  );
  const ids = `{${rows.map((r) => r.id).join(',')}}`;
  const lineSums = await sql<CandidatesRow>(
    em,
    `select order_id, count(*)::int as line_count, coalesce(sum(qty), 0)::int as unit_count,
      coalesce(sum(qty - allocated_qty), 0)::int as short
    from order_line where order_id = any(?::uuid[]) group by order_id`,
    [ids],
  );
  const zones = await sql<CandidatesRow2>(
    em,
    `select l.order_id, array_agg(distinct loc.zone_id) filter (where loc.zone_id is not null) as zone_ids
    from order_line l
    join stock_reservation r on r.ref_type = 'order_line' and r.ref_id = l.id::text and r.status = 'pending'
    join stock_balance b on b.id = r.balance_id join location loc on loc.id = b.location_id
    where l.order_id = any(?::uuid[]) group by l.order_id`,
    [ids],
  );
  const sums = new Map(lineSums.map((r) => [r.order_id, r]));
  const zonesOf = new Map(zones.map((r) => [r.order_id, r.zone_ids ?? []]));
  return rows.map((r) => ({
    orderId: r.id,
    lineCount: sums.get(r.id)?.line_count ?? 0,
    unitCount: sums.get(r.id)?.unit_count ?? 0,
    shippingMethod: r.shipping_method,
    promiseMs: r.promise_date ? new Date(r.promise_date).getTime() : null,
    priorityRank: r.priority_rank,
    createdMs: new Date(r.created_at).getTime(),
    zoneIds: zonesOf.get(r.id) ?? [],
    allocated: r.status === 'allocated' && (sums.get(r.id)?.short ?? 0) === 0,
  }));
}

/**
 * Plans a wave: picks the orders the template (or the explicit list) takes, records why each
 * candidate is in or out (the allocation log), and holds them in the wave. Release is separate
 * (or immediate with `release: true`).
 */
export async function planWave(
  em: EntityManager,
  actor: Actor | null,
  warehouseId: string,
  input: PlanWaveInput,
  clock: Clock,
): Promise<WaveView> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  let t: TemplateRow | undefined;
  if (input.templateId) {
    t = await sqlOne<TemplateRow>(em, 'select * from wave_template where id = ? and warehouse_id = ?', [input.templateId, warehouseId]);
    if (!t) throw new NotFound('Wave template', input.templateId);
  }
  const filter: WaveFilter = {
    carrierCodes: t?.carrier_codes ?? [],
    serviceCodes: t?.service_codes ?? [],
    zoneIds: t?.zone_ids ?? [],
    orderProfile: t?.order_profile ?? 'any',
    cutoffWithinS: t?.cutoff_within_s ?? null,
    maxOrders: input.maxOrders ?? t?.max_orders ?? 200,
  };
  const cands = await candidates(em, warehouseId, input.orderIds);
  const { orderIds, log } = selectWaveOrders(cands, filter, clock.now().getTime());
  if (input.orderIds)
    for (const id of input.orderIds)
      if (!cands.some((c) => c.orderId === id))
        log.push({ orderId: id, included: false, reason: 'not an allocated order of this warehouse outside other waves' });
  if (orderIds.length === 0) throw new ValidationFailed('No order qualifies for this wave', [], 'wave-empty');
  const mode = input.pickMode ?? t?.pick_mode ?? 'batch';
  const wave = (await sqlOne<WaveRow>(
    em,
    `insert into wave (warehouse_id, template_id, pick_mode, cart_slots, streaming, priority, allocation_log, created_by)
    values (?, ?, ?, ?, ?, ?, ?::jsonb, ?) returning *`,
    [
      warehouseId,
      t?.id ?? null,
      mode,
      input.cartSlots ?? t?.cart_slots ?? 8,
      t?.streaming ?? false,
      input.priority ?? t?.priority ?? 50,
      JSON.stringify(log),
      actor?.id ?? null,
    ],
  ))!;
  const byId = new Map(cands.map((c) => [c.orderId, c]));
  await sql(
    em,
    `insert into wave_order (wave_id, order_id, warehouse_id, line_count, unit_count)
    select ?, x.id, ?, x.lc, x.uc from unnest(?::uuid[], ?::int[], ?::int[]) as x(id, lc, uc)`,
    [
      wave.id,
      warehouseId,
      `{${orderIds.join(',')}}`,
      `{${orderIds.map((o) => byId.get(o)!.lineCount).join(',')}}`,
      `{${orderIds.map((o) => byId.get(o)!.unitCount).join(',')}}`,
    ],
  );
  await emit(em, {
    type: 'wave.created',
    warehouseId,
    actorId: actor?.id,
    payload: {
      waveId: wave.id,
      number: Number(wave.number),
      orderCount: orderIds.length,
      templateId: wave.template_id,
      excludedCount: log.length - orderIds.length,
    },
  });
  if (input.release) return releaseWave(em, actor, wave.id, clock);
  return getWave(em, actor, wave.id);
}

interface ResLine {
  reservation_id: string;
  qty: number;
  order_line_id: string;
  order_id: string;
  sku_id: string;
  location_id: string;
  location_code: string;
  lot: string | null;
  expiry: string | null;
  zone_id: string | null;
  x_mm: number;
  y_mm: number;
}
export type ReleaseWaveRow = Pick<WaveOrderRow, 'order_id'> & Pick<SalesOrderRow, 'status'>;

/**
 * Releases a planned wave to the floor: orders still allocated get pick lists built from their pending
 * reservations (one per order, per cart batch, or per batch and zone), each sequenced on the layout by
 * the pick-path optimizer, as pick tasks in the pool. Orders cancelled since planning drop out (logged).
 */
export async function releaseWave(em: EntityManager, actor: Actor | null, waveId: string, clock: Clock): Promise<WaveView> {
  const wave = await sqlOne<WaveRow>(em, 'select * from wave where id = ? for update', [waveId]);
  if (!wave) throw new NotFound('Wave', waveId);
  assertWh(actor, wave.warehouse_id, 'Wave', waveId);
  if (wave.status !== 'planned') throw new Conflict(`Wave ${waveId} is ${wave.status}`, 'wave-not-planned');
  const members = await sql<ReleaseWaveRow>(
    em,
    `select w.order_id, o.status from wave_order w join sales_order o on o.id = w.order_id
    where w.wave_id = ? order by o.priority_rank, o.promise_date nulls last, o.created_at, o.id for update of o`,
    [waveId],
  );
  const dropped = members.filter((m) => m.status !== 'allocated').map((m) => m.order_id);
  const live = members.filter((m) => m.status === 'allocated').map((m) => m.order_id);
  if (dropped.length)
    await sql(em, `update wave_order set status = 'removed' where wave_id = ? and order_id = any(?::uuid[])`, [
      waveId,
      `{${dropped.join(',')}}`,
    ]);
  const lines = await sql<ResLine>(
    em,
    `
    select r.id as reservation_id, (r.qty - r.consumed_qty)::int as qty, l.id as order_line_id, l.order_id, r.sku_id, b.location_id, loc.code as location_code,
      b.lot, to_char(b.expiry, 'YYYY-MM-DD') as expiry, loc.zone_id, loc.x_mm, loc.y_mm
    from order_line l
    join stock_reservation r on r.ref_type = 'order_line' and r.ref_id = l.id::text and r.status = 'pending'
    join stock_balance b on b.id = r.balance_id join location loc on loc.id = b.location_id
    where l.order_id = any(?::uuid[]) order by l.order_id, l.line_no, r.created_at`,
    [`{${live.join(',')}}`],
  );
  const plans = planPickLists(
    live,
    lines.map((l) => ({ key: l.reservation_id, orderId: l.order_id, zoneId: l.zone_id })),
    wave.pick_mode,
    wave.cart_slots,
  );
  const byKey = new Map(lines.map((l) => [l.reservation_id, l]));
  const express = new Set(
    (
      await sql<Pick<SalesOrderRow, 'id'>>(em, 'select id from sales_order where id = any(?::uuid[]) and priority_rank = 0', [
        `{${live.join(',')}}`,
      ])
    ).map((r) => r.id),
  );
  const graph = plans.length
    ? await loadPickGraph(em, wave.warehouse_id, { locationIds: [...new Set(lines.map((l) => l.location_id))] })
    : null;
  // The totes of this wave travel on CARTS: created now rather than by the first scan-confirm (one round trip less there).
  if (plans.length) await floorLocation(em, wave.warehouse_id, CARTS_CODE);
  const taskIds: string[] = [];
  for (const plan of plans) {
    const pl = plan.lineKeys.map((k) => byKey.get(k)!);
    const seq = sequenceStops(
      graph!,
      pl.map((l) => ({ locationCode: l.location_code })),
    );
    const ordered = seq.order.map((i) => pl[i]!);
    const first = ordered[0]!;
    const task = await createTask(
      em,
      wave.warehouse_id,
      {
        type: 'pick',
        priority: Math.min(1000, wave.priority + (plan.orderIds.some((o) => express.has(o)) ? 100 : 0)),
        zoneId: plan.zoneId ?? undefined,
        waveId,
        orderId: plan.orderIds.length === 1 ? plan.orderIds[0] : undefined,
        orderIds: plan.orderIds,
        qty: ordered.reduce((s, l) => s + l.qty, 0),
        xMm: first.x_mm,
        yMm: first.y_mm,
        lineCount: ordered.length,
        details: {
          orderIds: plan.orderIds,
          cartSlots: plan.orderIds.length,
          pickMode: wave.pick_mode,
          routeLengthMm: Math.round(seq.lengthMm),
          routeMethod: seq.method,
        },
      },
      actor?.id,
    );
    await sql(
      em,
      `insert into task_line (task_id, warehouse_id, seq, order_id, order_line_id, reservation_id, sku_id, location_id, lot, expiry, qty, cart_slot)
      select ?, ?, x.seq, x.order_id, x.order_line_id, x.reservation_id, x.sku_id, x.location_id, x.lot, x.expiry, x.qty, x.cart_slot
      from jsonb_to_recordset(?::jsonb) as x(seq int, order_id uuid, order_line_id uuid, reservation_id uuid, sku_id uuid, location_id uuid, lot text, expiry date, qty int, cart_slot int)`,
      [
        task.id,
        wave.warehouse_id,
        JSON.stringify(
          ordered.map((l, i) => ({
            seq: i + 1,
            order_id: l.order_id,
            order_line_id: l.order_line_id,
            reservation_id: l.reservation_id,
            sku_id: l.sku_id,
            location_id: l.location_id,
            lot: l.lot,
            expiry: l.expiry,
            qty: l.qty,
            cart_slot: plan.orderIds.indexOf(l.order_id) + 1,
          })),
        ),
      ],
    );
    taskIds.push(task.id);
  }
  await sql(em, `update wave_order set status = 'released' where wave_id = ? and status = 'planned'`, [waveId]);
  await moveOrders(em, live, 'released');
  await logOrders(em, live, {
    category: 'fulfilment',
    action: 'released',
    message: `Released in wave ${wave.number} (${wave.pick_mode} picking)`,
    data: { waveId },
  });
  const log = [
    ...wave.allocation_log,
    ...dropped.map((o) => ({ orderId: o, included: false, reason: 'no longer allocated at release (cancelled or changed)' })),
  ];
  await moveWave(em, wave, 'released', {
    set: 'released_at = ?, released_by = ?, allocation_log = ?::jsonb',
    setParams: [clock.now().toISOString(), actor?.id ?? null, JSON.stringify(log)],
    events: [
      {
        type: 'wave.released',
        warehouseId: wave.warehouse_id,
        actorId: actor?.id,
        payload: { waveId, number: Number(wave.number), orderIds: live, taskIds, pickMode: wave.pick_mode },
      },
    ],
  });
  return getWave(em, actor, waveId);
}
export type CancelWaveRow = { n: number };

const waveKeys = keyset(['uuid']);

/** Cancels a wave: open pick tasks are cancelled, untouched orders go back to allocated (their reservations stay). */
export async function cancelWave(em: EntityManager, actor: Actor, waveId: string, reason: string): Promise<WaveView> {
  const wave = await sqlOne<WaveRow>(em, 'select * from wave where id = ? for update', [waveId]);
  if (!wave) throw new NotFound('Wave', waveId);
  assertWh(actor, wave.warehouse_id, 'Wave', waveId);
  if (wave.status !== 'planned' && wave.status !== 'released') throw new Conflict(`Wave ${waveId} is ${wave.status}`, 'wave-closed');
  const started = await sqlOne<CancelWaveRow>(
    em,
    `select count(*)::int as n from task_line l join task t on t.id = l.task_id where t.wave_id = ? and l.qty_picked > 0`,
    [waveId],
  );
  if (started && started.n > 0) throw new Conflict(`Wave ${waveId} has picked lines; cancel its tasks one by one instead`, 'wave-started');
  for (const t of await sql<Pick<TaskRow, 'id'>>(
    em,
    `select id from task where wave_id = ? and status in ('open', 'claimed', 'in_progress')`,
    [waveId],
  ))
    await cancelTask(em, actor, t.id, `wave cancelled: ${reason}`);
  const orders = await sql<Pick<WaveOrderRow, 'order_id'>>(
    em,
    `update wave_order set status = 'removed' where wave_id = ? and status in ('planned', 'released') returning order_id`,
    [waveId],
  );
  await moveOrders(
    em,
    orders.map((o) => o.order_id),
    'allocated',
    { from: ['released'] },
  );
  await moveWave(em, wave, 'cancelled', {
    set: 'completed_at = now()',
    events: [{ type: 'wave.cancelled', warehouseId: wave.warehouse_id, actorId: actor.id, payload: { waveId, reason } }],
  });
  return getWave(em, actor, waveId);
}

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

function toWaveView(w: WaveRow, orderIds: string[], taskIds: string[]): WaveView {
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

/**
 * Scheduled and streaming release: every active template due now plans and releases a wave of what it
 * takes (nothing qualifying is not an error), then moves its next release time on. Returns wave ids.
 */
export async function releaseDueTemplates(em: EntityManager, clock: Clock): Promise<string[]> {
  const now = clock.now();
  const due = await sql<TemplateRow>(
    em,
    `select * from wave_template where active and release_every_s is not null and next_release_at <= ?
    order by next_release_at for update skip locked`,
    [now.toISOString()],
  );
  const waves: string[] = [];
  for (const t of due) {
    await sql(em, 'update wave_template set next_release_at = ? where id = ?', [
      new Date(now.getTime() + t.release_every_s! * 1000).toISOString(),
      t.id,
    ]);
    const any = await candidates(em, t.warehouse_id);
    if (!any.some((c) => c.allocated)) continue;
    const { orderIds } = selectWaveOrders(
      any,
      {
        carrierCodes: t.carrier_codes,
        serviceCodes: t.service_codes,
        zoneIds: t.zone_ids,
        orderProfile: t.order_profile,
        cutoffWithinS: t.cutoff_within_s,
        maxOrders: t.max_orders,
      },
      now.getTime(),
    );
    if (orderIds.length === 0) continue;
    const w = await planWave(em, null, t.warehouse_id, { templateId: t.id, release: true }, clock);
    waves.push(w.id);
  }
  return waves;
}

/**
 * Moves a wave on once its work is done: released → picked when no pick task is open, → completed when
 * every order is packed (or removed). Runs in its own short transaction after the task/pack commits
 * (the wave row lock is the only lock taken, so it cannot deadlock with floor work); the status
 * predicates make it idempotent. Returns the new status, or null when nothing changed.
 */
export async function settleWave(em: EntityManager, waveId: string): Promise<string | null> {
  const w = await sqlOne<Pick<WaveTableRow, 'warehouse_id' | 'status'>>(
    em,
    'select warehouse_id, status from wave where id = ? for update',
    [waveId],
  );
  if (!w || (w.status !== 'released' && w.status !== 'picked')) return null;
  let status: string | null = null;
  if (
    w.status === 'released' &&
    !(await sqlOne(em, `select 1 from task where wave_id = ? and type = 'pick' and status in ('open', 'claimed', 'in_progress') limit 1`, [
      waveId,
    ]))
  ) {
    await moveWave(em, { id: waveId, status: w.status }, 'picked', {
      events: [{ type: 'wave.picked', warehouseId: w.warehouse_id, payload: { waveId } }],
    });
    status = 'picked';
  }
  if (
    !(await sqlOne(em, `select 1 from wave_order where wave_id = ? and status not in ('packed', 'removed') limit 1`, [waveId])) &&
    (status === 'picked' || w.status === 'picked')
  ) {
    await moveWave(em, { id: waveId, status: status ?? w.status }, 'completed', {
      set: 'completed_at = now()',
      events: [{ type: 'wave.completed', warehouseId: w.warehouse_id, payload: { waveId } }],
    });
    status = 'completed';
  }
  return status;
}
