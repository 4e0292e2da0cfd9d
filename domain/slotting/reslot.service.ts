/**
 * Re-slotting: proposals from the last velocity run (pure plan in reslot-rules.ts over the pick faces
 * and the pick-path model loaded here), a supervisor's approval that turns moves into `move` tasks
 * through the task engine — each released only once the move emptying its destination is done — and
 * the handheld confirmation that moves the stock through the ledger and hands the pick face over.
 */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { postMovement } from '../inventory/ledger.service.js';
import { loadPickGraph } from '../picking/path.service.js';
import { sequencePicks, type LocationGraph } from '../picking/pick-path/index.js';
import { scannedLocationCode } from './putaway.service.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { writeMove } from '../shared/lifecycle.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { lockTask, taskWithLines } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import { createTask, finishTask, lockHeldTask, recordPosition, type TaskEngineOptions } from '../tasks/task.service.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import { Location } from '../layout/entities/location.entity.js';
import { PickFace, type PickFaceRow } from './entities/pick-face.entity.js';
import { ReslotMove, type ReslotMoveRow } from './entities/reslot-move.entity.js';
import { SlottingRun } from './entities/slotting-run.entity.js';
import type { StockMovementRow } from '../inventory/entities/stock-movement.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import { Task } from '../tasks/entities/task.entity.js';
import type { SkuVelocityRow } from './entities/sku-velocity.entity.js';
import { itemOf, locationsOfTypes, skuAttrs } from './putaway-candidates.js';
import { proposePutaway } from './putaway-rules.js';
import { planReslot, type ReslotOptions, type ReslotProposal, type SlotFace, type SlotSku } from './reslot-rules.js';
import { reslotMoveLifecycle } from './reslot.lifecycle.js';

/** Round trip from the pack station to one location on the pick-path model (null when the model does not know it). */
function roundTripMm(g: LocationGraph, code: string): number | null {
  const p = g.locations.get(code);
  return p ? sequencePicks(g.layout, [p], g.depot, { lowerBound: false }).lengthMm : null;
}

/** Units of one SKU at one location (`sum(on_hand)`). */
export interface UnitsRow {
  n: number;
}

/** A pick face slot with the velocity of its SKU. */
export type FaceSlotRow = Pick<PickFaceRow, 'location_id' | 'sku_id' | 'min_qty' | 'max_qty'> &
  Partial<Pick<SkuVelocityRow, 'picks_per_week' | 'cube_per_order_index' | 'units'>> & { code: string };

/** An unfaced fast mover and the reserve location holding most of its free stock. */
export type PromotionRow = Pick<SkuVelocityRow, 'sku_id' | 'picks_per_week' | 'cube_per_order_index' | 'units'> & {
  code: string;
  location_id: string;
  location_code: string;
};

/** One picked order line of the history replayed by `measureOnHistory` (the order, or the movement when no order). */
export type HistoryPickRow = Pick<StockMovementRow, 'sku_id'> & Pick<SkuRow, 'code'> & { order_key: string };

/** Picker travel on recent orders, replayed on the pick-path model before and after the proposals (per week). */
export interface MeasuredTravel {
  orders: number;
  beforeMPerWeek: number;
  afterMPerWeek: number;
}

/**
 * Replays the last `maxOrders` picked orders of the window: each order is one tour from the pack station through
 * the locations its lines were picked from (sequenced by the pick-path optimizer), once as they were and once with
 * every proposed SKU at its new location. Scaled to a week of the window's order rate.
 */
async function measureOnHistory(
  tx: EntityManager,
  warehouseId: string,
  graph: LocationGraph,
  proposals: readonly ReslotProposal[],
  windowDays: number,
  maxOrders = 2000,
): Promise<MeasuredTravel> {
  const rows = await sql<HistoryPickRow>(
    tx,
    `with m as (
      select m.sku_id, m.from_location_id, coalesce(ol.order_id::text, 'm' || m.id) as order_key, m.created_at
      from stock_movement m left join order_line ol on m.ref_type = 'order_line' and ol.id::text = m.ref_id
      where m.warehouse_id = ? and m.type = 'pick' and m.created_at >= now() - make_interval(days => ?)),
    o as (select order_key from m group by order_key order by max(created_at) desc limit ?)
    select m.order_key, m.sku_id, l.code from m join o using (order_key) join location l on l.id = m.from_location_id order by m.order_key`,
    [warehouseId, Math.round(windowDays), maxOrders],
  );
  const totalOrders = await sqlOne<UnitsRow>(
    tx,
    `select count(distinct coalesce(ol.order_id::text, 'm' || m.id))::int as n
    from stock_movement m left join order_line ol on m.ref_type = 'order_line' and ol.id::text = m.ref_id
    where m.warehouse_id = ? and m.type = 'pick' and m.created_at >= now() - make_interval(days => ?)`,
    [warehouseId, Math.round(windowDays)],
  );
  const codes = new Map<string, string>(); // location id -> code
  for (const l of await locationsOfTypes(tx, warehouseId, ['pick_face', 'reserve', 'staging'])) codes.set(l.id, l.code);
  const movedTo = new Map(proposals.map((p) => [p.skuId, codes.get(p.toLocationId)]));
  const byOrder = new Map<string, HistoryPickRow[]>();
  for (const r of rows) byOrder.set(r.order_key, [...(byOrder.get(r.order_key) ?? []), r]);
  const tour = (stops: (string | undefined)[]) => {
    const picks = stops.map((c) => (c ? graph.locations.get(c) : undefined)).filter((x) => x !== undefined);
    return picks.length ? sequencePicks(graph.layout, picks, graph.depot, { lowerBound: false }).lengthMm : 0;
  };
  let before = 0;
  let after = 0;
  for (const lines of byOrder.values()) {
    before += tour(lines.map((l) => l.code));
    after += tour(lines.map((l) => movedTo.get(l.sku_id) ?? l.code));
  }
  // The sample's travel, scaled to all orders of the window, per week.
  const scale = byOrder.size ? (totalOrders?.n ?? byOrder.size) / byOrder.size / (windowDays / 7) : 0;
  return {
    orders: byOrder.size,
    beforeMPerWeek: Math.round((before * scale) / 100) / 10,
    afterMPerWeek: Math.round((after * scale) / 100) / 10,
  };
}

export interface ReslotRunSummary {
  runId: string;
  proposals: number;
  moves: number;
  bufferMoves: number;
  skipped: { skuId: string; reason: string }[];
  estSavedMPerWeek: number;
  measured: MeasuredTravel;
  velocityRunId: string | null;
}

/**
 * Computes re-slotting proposals for the warehouse from its last velocity run and stores them as a `reslot`
 * run; proposals of earlier runs nobody approved are superseded.
 */
export async function proposeReslot(
  tx: EntityManager,
  warehouseId: string,
  o: ReslotOptions & { windowDays?: number } = {},
): Promise<ReslotRunSummary> {
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`reslot:${warehouseId}`]);
  const graph = await loadPickGraph(tx, warehouseId);
  const windowWeeks = (o.windowDays ?? 91) / 7;
  const faceRows = await locationsOfTypes(tx, warehouseId, ['pick_face']);
  const faces: SlotFace[] = [];
  for (const f of faceRows) {
    const cost = roundTripMm(graph, f.code);
    if (cost !== null) faces.push({ ...f, costMm: cost });
  }
  const slots = await sql<FaceSlotRow>(
    tx,
    `select pf.location_id, l.code, pf.sku_id, pf.min_qty, pf.max_qty, v.picks_per_week, v.cube_per_order_index, v.units
    from pick_face pf join location l on l.id = pf.location_id left join sku_velocity v on v.warehouse_id = pf.warehouse_id and v.sku_id = pf.sku_id
    where pf.warehouse_id = ? and l.active order by l.code`,
    [warehouseId],
  );
  const promos = await sql<PromotionRow>(
    tx,
    `select distinct on (v.sku_id) v.sku_id, s.code, v.picks_per_week, v.cube_per_order_index, v.units, b.location_id, l.code as location_code
    from sku_velocity v join sku s on s.id = v.sku_id
      join stock_balance b on b.sku_id = v.sku_id and b.warehouse_id = v.warehouse_id and b.status = 'available' and b.on_hand > b.reserved
      join location l on l.id = b.location_id and l.type = 'reserve' and l.active
    where v.warehouse_id = ? and v.velocity_class = 'A'
      and not exists (select 1 from pick_face pf where pf.warehouse_id = v.warehouse_id and pf.sku_id = v.sku_id)
    order by v.sku_id, b.on_hand - b.reserved desc`,
    [warehouseId],
  );
  const skus: SlotSku[] = [];
  const limits = new Map<string, { min: number; max: number }>();
  const demoteTo = new Map<string, { locationId: string; costMm: number }>();
  // Reserve locations (with their contents) once: demotion destinations are chosen among them by the putaway rules.
  const allReserves = await locationsOfTypes(tx, warehouseId, ['reserve'], { limit: 2000 });
  for (const s of slots) {
    const attrs = await skuAttrs(tx, s.sku_id, warehouseId);
    const lots = await sql<Pick<StockBalanceRow, 'lot'>>(
      tx,
      `select distinct lot from stock_balance where location_id = ? and sku_id = ? and on_hand > 0 order by lot`,
      [s.location_id, s.sku_id],
    );
    const item = itemOf(attrs, { qty: s.max_qty, lot: lots[0]?.lot ?? null, status: 'available' });
    skus.push({
      skuId: s.sku_id,
      code: attrs.code,
      picksPerWeek: Number(s.picks_per_week ?? 0),
      cubePerOrderIndex: s.cube_per_order_index == null ? null : Number(s.cube_per_order_index),
      item,
      lots: lots.map((l) => l.lot),
      currentFaceId: s.location_id,
    });
    limits.set(s.sku_id, { min: s.min_qty, max: s.max_qty });
    // Where it would go if it lost its face: the putaway rules' best reserve location for what the face holds.
    const onFace = await sqlOne<UnitsRow>(
      tx,
      `select coalesce(sum(on_hand), 0)::int as n from stock_balance where location_id = ? and sku_id = ?`,
      [s.location_id, s.sku_id],
    );
    const reserves = allReserves.filter((l) => l.temperature === item.temperature);
    const [dest] = proposePutaway({ ...item, qty: Math.max(1, onFace?.n ?? 0), velocity: 'C', wholeLpn: true }, reserves, {
      xMm: 0,
      yMm: 0,
    });
    if (dest) {
      demoteTo.set(s.sku_id, { locationId: dest.locationId, costMm: roundTripMm(graph, dest.code) ?? Number.MAX_SAFE_INTEGER });
      // Two demotions never count on the same free space: the chosen location now holds this SKU too.
      allReserves
        .find((l) => l.id === dest.locationId)
        ?.contents.push({
          skuId: s.sku_id,
          lot: item.lot,
          qty: Math.max(1, onFace?.n ?? 0),
          unitVolumeMm3: item.unitVolumeMm3,
          unitWeightG: item.unitWeightG,
          hazmatClass: item.hazmatClass,
        });
    }
  }
  for (const p of promos) {
    const attrs = await skuAttrs(tx, p.sku_id, warehouseId);
    // A promoted SKU's face holds two weeks of its demand (at least 10), refilled at a quarter of that.
    const max = Math.max(10, Math.ceil((p.units / windowWeeks) * 2));
    limits.set(p.sku_id, { min: Math.floor(max / 4), max });
    skus.push({
      skuId: p.sku_id,
      code: p.code,
      picksPerWeek: Number(p.picks_per_week),
      cubePerOrderIndex: p.cube_per_order_index == null ? null : Number(p.cube_per_order_index),
      item: itemOf(attrs, { qty: max, lot: null, status: 'available' }),
      lots: [],
      currentFaceId: null,
      source: { locationId: p.location_id, costMm: roundTripMm(graph, p.location_code) ?? Number.MAX_SAFE_INTEGER },
    });
  }
  const buffers = await locationsOfTypes(tx, warehouseId, ['reserve', 'pick_face'], { emptyOnly: true, limit: 200 });
  const plan = planReslot({ faces, skus, buffers, demoteTo }, o);
  const measured = await measureOnHistory(tx, warehouseId, graph, plan.proposals, windowWeeks * 7);
  const superseded = await tx.find(
    ReslotMove,
    { warehouse_id: warehouseId, status: 'proposed' },
    { fields: ['id'], disableIdentityMap: true },
  );
  await writeMove(
    tx,
    reslotMoveLifecycle,
    superseded.map((r) => r.id),
    'superseded',
  );
  const velocityRun = await tx.findOne(
    SlottingRun,
    { warehouse_id: warehouseId, kind: 'velocity' },
    { fields: ['id'], orderBy: { created_at: 'desc' }, disableIdentityMap: true },
  );
  const estSavedMPerWeek = Math.round(plan.proposals.reduce((s, p) => s + p.estSavedMmPerWeek, 0) / 1000);
  const summary = {
    proposals: plan.proposals.length,
    moves: plan.moves.length,
    bufferMoves: plan.moves.filter((m) => m.kind === 'to_buffer').length,
    skipped: plan.skipped,
    estSavedMPerWeek,
    measured,
    velocityRunId: velocityRun?.id ?? null,
  };
  const run = { id: (await tx.insert(SlottingRun, { warehouse_id: warehouseId, kind: 'reslot', summary })) as string };
  const savedOf = new Map(plan.proposals.map((p) => [p.skuId, p.estSavedMmPerWeek]));
  const idOfSeq = new Map<number, string>();
  for (const m of plan.moves) {
    const lim = limits.get(m.skuId);
    const id = (await tx.insert(ReslotMove, {
      warehouse_id: warehouseId,
      run_id: run.id,
      seq: m.seq,
      sku_id: m.skuId,
      kind: m.kind,
      from_location_id: m.fromLocationId,
      to_location_id: m.toLocationId,
      depends_on: m.dependsOn === null ? null : idOfSeq.get(m.dependsOn)!,
      est_saved_mm_per_week: String(savedOf.get(m.skuId) ?? 0),
      min_qty: lim?.min ?? null,
      max_qty: lim?.max ?? null,
    })) as string;
    idOfSeq.set(m.seq, id);
  }
  return { runId: run.id, ...summary };
}

/** A move as the run view lists it. */
export type ReslotMoveViewRow = Pick<
  ReslotMoveRow,
  'id' | 'seq' | 'sku_id' | 'kind' | 'status' | 'depends_on' | 'task_id' | 'est_saved_mm_per_week' | 'from_location_id' | 'to_location_id'
> & { sku: string; from_code: string; to_code: string };

/** A re-slotting run: summary, then one proposal per SKU with its moves in execution order. */
export async function getReslotRun(em: EntityManager, actor: Actor, runId: string) {
  const run = await em.findOne(
    SlottingRun,
    { id: runId, kind: 'reslot' },
    { fields: ['id', 'warehouse_id', 'summary', 'created_at'], disableIdentityMap: true },
  );
  if (!run || !canSeeWarehouse(actor, run.warehouse_id)) throw new NotFound('Re-slotting run', runId);
  const moves = await sql<ReslotMoveViewRow>(
    em,
    `select m.id, m.seq, m.sku_id, s.code as sku, m.kind, m.status, m.depends_on, m.task_id, m.est_saved_mm_per_week,
      m.from_location_id, m.to_location_id, lf.code as from_code, lt.code as to_code
    from reslot_move m join sku s on s.id = m.sku_id join location lf on lf.id = m.from_location_id join location lt on lt.id = m.to_location_id
    where m.run_id = ? order by m.seq`,
    [runId],
  );
  const bySku = new Map<string, ReslotMoveViewRow[]>();
  for (const m of moves) bySku.set(m.sku_id, [...(bySku.get(m.sku_id) ?? []), m]);
  const proposals = [...bySku.values()].map((ms) => {
    const first = ms[0]!;
    const last = ms[ms.length - 1]!;
    const kind = ms.find((m) => m.kind !== 'to_buffer' && m.kind !== 'from_buffer')?.kind ?? 'relocate';
    return {
      skuId: first.sku_id,
      sku: first.sku,
      kind,
      from: first.from_code,
      to: last.to_code,
      estSavedMPerWeek: Math.round(Number(first.est_saved_mm_per_week) / 100) / 10,
      status: ms.every((m) => m.status === ms[0]!.status)
        ? first.status
        : ms.some((m) => m.status === 'released')
          ? 'released'
          : first.status,
      moves: ms.map((m) => ({
        id: m.id,
        seq: m.seq,
        kind: m.kind,
        from: m.from_code,
        to: m.to_code,
        status: m.status,
        dependsOn: m.depends_on,
        taskId: m.task_id,
      })),
    };
  });
  proposals.sort((a, b) => b.estSavedMPerWeek - a.estSavedMPerWeek || a.sku.localeCompare(b.sku));
  return {
    id: run.id,
    warehouseId: run.warehouse_id,
    createdAt: new Date(run.created_at).toISOString(),
    summary: run.summary as Record<string, unknown>,
    proposals,
  };
}

/** Creates the move task of every approved move whose destination is free now (its dependency is done). */
async function releaseReady(tx: EntityManager, runId: string): Promise<string[]> {
  const ready = await sql<
    Pick<ReslotMoveRow, 'id' | 'warehouse_id' | 'seq' | 'sku_id' | 'kind' | 'from_location_id' | 'to_location_id' | 'max_qty'>
  >(
    tx,
    `select m.id, m.warehouse_id, m.seq, m.sku_id, m.kind, m.from_location_id, m.to_location_id, m.max_qty from reslot_move m
    where m.run_id = ? and m.status = 'approved'
      and (m.depends_on is null or exists (select 1 from reslot_move d where d.id = m.depends_on and d.status = 'done'))
    order by m.seq for update of m`,
    [runId],
  );
  const ids: string[] = [];
  for (const m of ready) {
    const held = await sqlOne<UnitsRow>(
      tx,
      `select coalesce(sum(on_hand), 0)::int as n from stock_balance where location_id = ? and sku_id = ?`,
      [m.from_location_id, m.sku_id],
    );
    const qty = m.kind === 'promote' ? Math.min(held?.n ?? 0, m.max_qty ?? held?.n ?? 0) : (held?.n ?? 0);
    const task = await createTask(tx, m.warehouse_id, {
      type: 'move',
      priority: 40,
      fromLocationId: m.from_location_id,
      toLocationId: m.to_location_id,
      skuId: m.sku_id,
      qty,
      refType: 'reslot_move',
      refId: m.id,
      details: { reslotRunId: runId, seq: m.seq, kind: m.kind },
    });
    await writeMove(tx, reslotMoveLifecycle, [m.id], 'released', { set: 'task_id = ?', setParams: [task.id] });
    ids.push(task.id);
  }
  return ids;
}

/**
 * Approves proposals of a run (all, or the given SKUs) together with every proposal they wait on (a move into a
 * face needs the move that empties it), then releases the moves that can start now as `move` tasks.
 */
export async function approveReslot(
  tx: EntityManager,
  actor: Actor,
  runId: string,
  skuIds?: string[],
): Promise<{ approved: string[]; alsoApproved: string[]; taskIds: string[] }> {
  const run = await tx.findOne(
    SlottingRun,
    { id: runId, kind: 'reslot' },
    { fields: ['warehouse_id'], lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  );
  if (!run || !canSeeWarehouse(actor, run.warehouse_id)) throw new NotFound('Re-slotting run', runId);
  const moves = await tx.find(
    ReslotMove,
    { run_id: runId },
    { fields: ['id', 'sku_id', 'status', 'depends_on'], orderBy: { seq: 'asc' }, disableIdentityMap: true },
  );
  const skuOfMove = new Map(moves.map((m) => [m.id, m.sku_id]));
  const wanted = new Set(skuIds ?? moves.map((m) => m.sku_id));
  for (const s of wanted)
    if (!moves.some((m) => m.sku_id === s))
      throw new ValidationFailed(`SKU ${s} has no proposal in this run`, [{ path: 'body.skuIds', message: `${s} is not proposed here` }]);
  // Closure over dependencies.
  const closure = new Set(wanted);
  for (let changed = true; changed;) {
    changed = false;
    for (const m of moves)
      if (closure.has(m.sku_id) && m.depends_on) {
        const dep = skuOfMove.get(m.depends_on)!;
        if (!closure.has(dep)) {
          closure.add(dep);
          changed = true;
        }
      }
  }
  const chosen = moves.filter((m) => closure.has(m.sku_id));
  const dead = chosen.find((m) => m.status === 'rejected' || m.status === 'superseded');
  if (dead)
    throw new Conflict(`This run's proposals were ${dead.status}: compute a new run`, 'reslot-run-stale', {
      moveId: dead.id,
      moveStatus: dead.status,
    });
  await writeMove(
    tx,
    reslotMoveLifecycle,
    chosen.filter((m) => m.status === 'proposed').map((m) => m.id),
    'approved',
    { set: 'decided_by = ?, decided_at = now()', setParams: [actor.kind === 'user' ? actor.id : null] },
  );
  const taskIds = await releaseReady(tx, runId);
  return { approved: [...wanted], alsoApproved: [...closure].filter((s) => !wanted.has(s)), taskIds };
}

/**
 * The handheld scans the destination: the SKU's stock at the source moves there through the ledger (all of it,
 * lot by lot, or a face's worth for a promotion; stock reserved for open picks must be picked first), the pick
 * face changes hands, the move is done and the moves waiting on this location are released.
 */
export async function confirmMove(
  tx: EntityManager,
  actor: Actor,
  taskId: string,
  cmd: { locationScan: string },
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const locked = await lockTask(tx, taskId);
  if (locked.status === 'done' && locked.assignee_id === actor.id && locked.type === 'move') return taskWithLines(tx, locked);
  const task = await lockHeldTask(tx, actor, taskId, clock, opts, locked);
  const move = await tx.findOne(
    ReslotMove,
    { task_id: taskId, status: 'released' },
    {
      fields: ['id', 'run_id', 'kind', 'sku_id', 'from_location_id', 'to_location_id', 'min_qty', 'max_qty'],
      lockMode: LockMode.PESSIMISTIC_WRITE,
      disableIdentityMap: true,
    },
  );
  if (task.type !== 'move' || !move) throw new Conflict(`Task ${taskId} is not a re-slotting move`, 'not-a-move-task');
  const to = await tx.findOneOrFail(Location, { id: move.to_location_id }, { fields: ['code'], disableIdentityMap: true });
  if (scannedLocationCode(cmd.locationScan) !== to.code)
    throw new ValidationFailed(
      `Wrong location: this move goes to ${to.code}`,
      [{ path: 'body.locationScan', message: `expected ${to.code}`, code: 'wrong-location' }],
      'wrong-location',
    );
  const balances = await sql<Pick<StockBalanceRow, 'lot' | 'expiry' | 'lpn_id' | 'status' | 'on_hand' | 'reserved'>>(
    tx,
    `select lot, expiry::text as expiry, lpn_id, status, on_hand, reserved from stock_balance
    where location_id = ? and sku_id = ? and on_hand > 0 order by expiry nulls last, first_received_at, id for update`,
    [move.from_location_id, move.sku_id],
  );
  const reserved = balances.reduce((s, b) => s + b.reserved, 0);
  if (reserved > 0 && move.kind !== 'promote')
    throw new Conflict(`${reserved} units here are reserved for open picks: pick them, then move the rest`, 'stock-reserved', { reserved });
  let left = move.kind === 'promote' ? task.qty : Number.MAX_SAFE_INTEGER;
  let moved = 0;
  for (const b of balances) {
    const free = b.on_hand - b.reserved;
    const qty = Math.min(free, left);
    if (qty <= 0) continue;
    await postMovement(tx, {
      warehouseId: task.warehouse_id,
      type: 'move',
      skuId: move.sku_id,
      qty,
      from: { locationId: move.from_location_id, lot: b.lot, expiry: b.expiry, lpnId: b.lpn_id, status: b.status },
      to: { locationId: move.to_location_id, lot: b.lot, expiry: b.expiry, status: b.status },
      userId: actor.id,
      deviceId: actor.deviceId,
      reasonCode: 'reslot',
      refType: 'task',
      refId: taskId,
    });
    moved += qty;
    left -= qty;
  }
  if (move.kind === 'relocate' || move.kind === 'demote' || move.kind === 'to_buffer')
    await tx.nativeDelete(PickFace, { location_id: move.from_location_id, sku_id: move.sku_id });
  if (move.kind === 'relocate' || move.kind === 'promote' || move.kind === 'from_buffer')
    await sql(
      tx,
      `insert into pick_face (location_id, warehouse_id, sku_id, min_qty, max_qty) values (?, ?, ?, ?, ?)
      on conflict (location_id) do update set sku_id = excluded.sku_id, min_qty = excluded.min_qty, max_qty = excluded.max_qty, updated_at = now()`,
      [move.to_location_id, task.warehouse_id, move.sku_id, move.min_qty ?? 0, Math.max(move.max_qty ?? 1, (move.min_qty ?? 0) + 1)],
    );
  await writeMove(tx, reslotMoveLifecycle, [move.id], 'done', { set: 'done_at = now()' });
  await recordPosition(tx, actor.id, move.to_location_id);
  // More may stand there than when the task was released (a replenishment arrived): the task records what moved.
  if (moved > task.qty) await tx.nativeUpdate(Task, { id: taskId }, { qty: moved });
  const done = await finishTask(tx, { ...task, qty: Math.max(task.qty, moved) }, actor.id, moved);
  await releaseReady(tx, move.run_id);
  return taskWithLines(tx, done);
}
