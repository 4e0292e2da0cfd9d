/**
 * Putaway: proposals for received stock (pure rules in putaway-rules.ts over the locations loaded
 * here), putaway tasks through the task engine, and the handheld confirmation: scanning the proposed
 * location posts the move to the ledger; another location needs a reason, must itself break no rule,
 * and the override is written to the audit log.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../identity/audit.js';
import { postMovement, type StockStatus } from '../inventory/ledger.service.js';
import { moveLpn } from '../inventory/lpn.service.js';
import { markStockedIfDone } from '../receiving/asn.service.js';
import type { ReceivedStock } from '../receiving/receive.service.js';
import { resolveScan } from '../inventory/scan-resolve.js';
import { isScanError, parseScan } from '../scanning/index.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { ROLES, canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { createTask, finishTask, lockHeldTask, recordPosition, takeClaim, type TaskEngineOptions } from '../tasks/task.service.js';
import { TASK_COLUMNS, lockTask, taskWithLines, type TaskRow } from '../tasks/task.repo.js';
import { pgArray } from '../shared/sql.js';
import type { TaskView } from '../tasks/task.schemas.js';
import type { PutawayWork } from './putaway.schemas.js';
import { candidateLocations, itemOf, locationFacts, skuAttrs } from './putaway-candidates.js';
import { proposePutaway, violations, type Proposal, type PutawayItem } from './putaway-rules.js';
import { Location, type LocationRow } from '../layout/entities/location.entity.js';
import { Sku } from '../catalog/entities/sku.entity.js';
import type { LicensePlateRow } from '../inventory/entities/license-plate.entity.js';

async function position(em: EntityManager, locationId: string): Promise<{ xMm: number; yMm: number }> {
  const l = await em.findOne(Location, { id: locationId }, { fields: ['x_mm', 'y_mm'], disableIdentityMap: true });
  return { xMm: l?.x_mm ?? 0, yMm: l?.y_mm ?? 0 };
}

/** Putaway proposals for some units of a SKU (or a whole LPN) standing at `fromLocationId`. */
export async function proposeFor(
  em: EntityManager,
  warehouseId: string,
  q: { skuId: string; qty: number; lot: string | null; status: StockStatus; fromLocationId: string; wholeLpn?: boolean },
): Promise<{ item: PutawayItem; proposals: Proposal[] }> {
  const item = itemOf(await skuAttrs(em, q.skuId, warehouseId), { qty: q.qty, lot: q.lot, status: q.status, wholeLpn: q.wholeLpn });
  const from = await position(em, q.fromLocationId);
  return { item, proposals: proposePutaway(item, await candidateLocations(em, warehouseId, item, from), from) };
}

/**
 * Raises putaway tasks for what a receiving scan booked: a pallet (LPN) as one task to one location
 * (a mixed pallet is placed by its first SKU with the pallet's total volume and weight), loose units
 * as one task per proposed location. No proposal → a task without a destination (the receiver
 * chooses, with a reason). Returns the task ids.
 */
export async function createPutawayTasks(tx: EntityManager, r: ReceivedStock): Promise<string[]> {
  const ids: string[] = [];
  const from = await position(tx, r.locationId);
  const base = { type: 'putaway' as const, priority: 60, fromLocationId: r.locationId };
  if (r.lpnId) {
    const attrs = await Promise.all(r.items.map((i) => skuAttrs(tx, i.skuId, r.warehouseId)));
    const first = itemOf(attrs[0]!, { qty: 1, lot: r.items[0]!.lot, status: r.items[0]!.status, wholeLpn: true });
    const item: PutawayItem = {
      ...first,
      unitVolumeMm3: r.items.reduce((s, it, k) => s + it.qty * Number(attrs[k]!.unit_volume), 0),
      unitWeightG: r.items.reduce((s, it, k) => s + it.qty * attrs[k]!.weight_g, 0),
      hazmatClass: attrs.find((a) => a.hazmat_class)?.hazmat_class ?? null,
    };
    const [p] = proposePutaway(item, await candidateLocations(tx, r.warehouseId, item, from), from);
    const t = await createTask(tx, r.warehouseId, {
      ...base,
      toLocationId: p?.locationId,
      skuId: r.items.length === 1 ? r.items[0]!.skuId : undefined,
      lot: r.items.length === 1 ? (r.items[0]!.lot ?? undefined) : undefined,
      qty: r.items.reduce((s, i) => s + i.qty, 0),
      details: { asnId: r.asnId, lpnId: r.lpnId, why: p?.why ?? ['no location fits: choose one'] },
    });
    ids.push(t.id);
    return ids;
  }
  for (const it of r.items) {
    const { proposals } = await proposeFor(tx, r.warehouseId, { ...it, fromLocationId: r.locationId });
    const parts: (Proposal | null)[] = proposals.length ? proposals : [null];
    let left = it.qty;
    for (const [k, p] of parts.entries()) {
      const qty = k === parts.length - 1 ? left : p!.qty;
      left -= qty;
      const t = await createTask(tx, r.warehouseId, {
        ...base,
        toLocationId: p?.locationId,
        skuId: it.skuId,
        lot: it.lot ?? undefined,
        qty,
        details: { asnId: r.asnId, expiry: it.expiry, status: it.status, why: p?.why ?? ['no location fits: choose one'] },
      });
      ids.push(t.id);
    }
  }
  return ids;
}

/** The location code a handheld scan names (a location label, else the text as sent; an unreadable scan is taken as typed). */
export function scannedLocationCode(raw: string): string {
  try {
    const s = parseScan(raw);
    return (s.location ?? s.sku ?? raw).trim();
  } catch (e) {
    if (isScanError(e)) return raw.trim();
    throw e;
  }
}

/**
 * The receiver scans the location the goods went to. The proposed one confirms; another one needs a
 * reason (422 wrong-location otherwise), must pass the same hard rules (422 putaway-constraint), and is
 * audited. The move posts to the ledger (a pallet moves as one LPN) and the task completes.
 */
export async function confirmPutaway(
  tx: EntityManager,
  actor: Actor,
  taskId: string,
  cmd: { locationScan: string; reason?: string },
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const locked = await lockTask(tx, taskId);
  if (locked.status === 'done' && locked.assignee_id === actor.id && locked.type === 'putaway') return taskWithLines(tx, locked);
  const task = await lockHeldTask(tx, actor, taskId, clock, opts, locked);
  if (task.type !== 'putaway') throw new Conflict(`Task ${taskId} is a ${task.type} task`, 'not-a-putaway-task');
  const code = scannedLocationCode(cmd.locationScan);
  const loc = await tx.findOne(
    Location,
    { warehouse_id: task.warehouse_id, code, active: true },
    { fields: ['id', 'code'], disableIdentityMap: true },
  );
  if (!loc)
    throw new ValidationFailed(
      `No location ${code} here`,
      [{ path: 'body.locationScan', message: 'unknown location', code: 'unknown-location' }],
      'unknown-location',
    );
  const proposed = task.to_location_id
    ? await tx.findOne(Location, { id: task.to_location_id }, { fields: ['code'], disableIdentityMap: true })
    : null;
  const details = task.details as { asnId?: string; lpnId?: string; expiry?: string | null; status?: StockStatus };
  const override = loc.id !== task.to_location_id;
  if (override) {
    if (!cmd.reason)
      throw new ValidationFailed(
        proposed
          ? `Wrong location: put this away at ${proposed.code}. To use ${loc.code} instead, give a reason`
          : `Choose a location and give a reason: no location was proposed`,
        [{ path: 'body.locationScan', message: proposed ? `expected ${proposed.code}` : 'reason required', code: 'wrong-location' }],
        'wrong-location',
      );
    if (task.sku_id) {
      const item = itemOf(await skuAttrs(tx, task.sku_id, task.warehouse_id), {
        qty: task.qty,
        lot: task.lot,
        status: details.status ?? 'available',
        wholeLpn: !!details.lpnId,
      });
      const facts = await locationFacts(tx, task.warehouse_id, loc.id);
      const broken = facts ? violations(item, facts) : ['unknown location'];
      if (broken.length)
        throw new ValidationFailed(
          `${loc.code} cannot take this: ${broken.join('; ')}`,
          broken.map((b) => ({ path: 'body.locationScan', message: b, code: 'putaway-constraint' })),
          'putaway-constraint',
        );
    }
    await recordAudit(tx, {
      actorType: 'user',
      actorId: actor.id,
      action: 'putaway.override',
      objectType: 'task',
      objectId: taskId,
      warehouseId: task.warehouse_id,
      deviceId: actor.deviceId,
      details: {
        proposedLocationId: task.to_location_id,
        proposedCode: proposed?.code ?? null,
        chosenLocationId: loc.id,
        chosenCode: loc.code,
        reason: cmd.reason,
      },
    });
  }
  if (details.lpnId)
    await moveLpn(tx, { lpnId: details.lpnId, toLocationId: loc.id, userId: actor.id, deviceId: actor.deviceId, type: 'putaway' });
  else
    await postMovement(tx, {
      warehouseId: task.warehouse_id,
      type: 'putaway',
      skuId: task.sku_id!,
      qty: task.qty,
      from: { locationId: task.from_location_id!, lot: task.lot, expiry: details.expiry ?? null, status: details.status ?? 'available' },
      to: { locationId: loc.id, lot: task.lot, expiry: details.expiry ?? null, status: details.status ?? 'available' },
      userId: actor.id,
      deviceId: actor.deviceId,
      reasonCode: override ? 'putaway-override' : undefined,
      refType: 'task',
      refId: taskId,
    });
  if (override)
    await sql(tx, `update task set to_location_id = ?, details = details || ?::jsonb where id = ?`, [
      loc.id,
      JSON.stringify({ overrideReason: cmd.reason }),
      taskId,
    ]);
  await recordPosition(tx, actor.id, loc.id);
  const done = await finishTask(tx, { ...task, to_location_id: loc.id }, actor.id, task.qty);
  if (details.asnId) await markStockedIfDone(tx, details.asnId);
  return taskWithLines(tx, done);
}

/** The codes a putaway shows: where from, where to (location codes), which pallet (LPN code). */
export type WorkOfRow = { from_code: LocationRow['code'] | null; to_code: LocationRow['code'] | null; lpn: LicensePlateRow['code'] | null };

async function workOf(em: EntityManager, task: TaskView): Promise<PutawayWork> {
  const d = task.details as { lpnId?: string; why?: string[] };
  const row = await sqlOne<WorkOfRow>(
    em,
    `select (select code from location where id = ?) as from_code, (select code from location where id = ?) as to_code,
      (select code from license_plate where id = ?) as lpn`,
    [task.fromLocationId, task.toLocationId, d.lpnId ?? null],
  );
  const sku = task.skuId
    ? await em.findOne(Sku, { id: task.skuId }, { fields: ['id', 'code', 'name', 'name_i18n'], disableIdentityMap: true })
    : null;
  return {
    task,
    from: row?.from_code ?? null,
    proposed: row?.to_code ?? null,
    why: d.why ?? [],
    lpn: row?.lpn ?? null,
    sku: sku ? { id: sku.id, code: sku.code, name: sku.name, nameI18n: (sku.name_i18n ?? {}) as Record<string, string> } : null,
  };
}

/**
 * The receiver at the dock scans a pallet (LPN or SSCC) or an item: the open putaway task for it is
 * claimed for them (the oldest of the highest priority, FOR UPDATE SKIP LOCKED, so two receivers scanning
 * the same pallet never both get it) and returned with its proposed location. A putaway task already
 * held is returned as it is (a retried claim, a reload); any other held task must be finished first.
 */
export async function claimPutawayByScan(
  tx: EntityManager,
  actor: Actor,
  input: { warehouseId: string; scan: string; deviceId?: string },
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<PutawayWork> {
  if (actor.kind !== 'user') throw new Forbidden('Only people claim tasks');
  if (!canSeeWarehouse(actor, input.warehouseId)) throw new NotFound('Warehouse', input.warehouseId);
  // Serializes two claims by the same person (a retried request), as claimNext does.
  await sql(tx, 'insert into worker_profile (user_id) values (?) on conflict (user_id) do update set updated_at = excluded.updated_at', [
    actor.id,
  ]);
  const held = await sqlOne<TaskRow>(
    tx,
    `select ${TASK_COLUMNS} from task where assignee_id = ? and status in ('claimed', 'in_progress')`,
    [actor.id],
  );
  if (held) {
    if (held.type === 'putaway' && held.warehouse_id === input.warehouseId) return workOf(tx, await taskWithLines(tx, held));
    throw new Conflict(`You already hold a ${held.type} task; finish or release it first`, 'task-already-held', { taskId: held.id });
  }
  const { scan, match } = await resolveScan(tx, input.warehouseId, input.scan);
  const what =
    match.kind === 'lpn'
      ? { lpnId: match.lpn!.id, skuId: null, lot: null }
      : match.kind === 'sku'
        ? { lpnId: null, skuId: match.sku!.id, lot: scan.lot ?? null }
        : undefined;
  if (!what)
    throw new ValidationFailed(
      match.kind === 'location' ? `${match.location!.code} is a location: scan the pallet or the item` : 'Nothing known by that code',
      [
        {
          path: 'body.scan',
          message: match.kind === 'location' ? 'a location, not a pallet or item' : 'unknown code',
          code: 'not-putaway-stock',
        },
      ],
      'not-putaway-stock',
    );
  const roles = actor.roles.includes('admin') ? [...ROLES] : actor.roles;
  // A pallet by its LPN; an item by its SKU (and lot when scanned): loose stock first, then a one-SKU pallet.
  const pick = await sqlOne<Pick<TaskRow, 'id'>>(
    tx,
    `select t.id from task t
     where t.warehouse_id = ? and t.type = 'putaway' and t.status = 'open'
       and (t.reserved_for is null or t.reserved_for = ?) and t.roles && ?::text[]
       and (case when ?::uuid is not null then t.details->>'lpnId' = ?::text
                 else t.sku_id = ?::uuid and (?::text is null or t.lot = ?::text) end)
     order by (t.details->>'lpnId' is not null), t.priority desc, t.created_at, t.id
     limit 1 for update of t skip locked`,
    [input.warehouseId, actor.id, pgArray(roles), what.lpnId, what.lpnId, what.skuId, what.lot, what.lot],
  );
  if (!pick)
    throw new NotFound(
      'Open putaway task for',
      match.kind === 'lpn' ? match.lpn!.code : `${match.sku!.code}${what.lot ? ` lot ${what.lot}` : ''}`,
    );
  const row = await takeClaim(tx, actor, pick.id, input.deviceId, clock.now(), opts);
  return workOf(tx, await taskWithLines(tx, row));
}
