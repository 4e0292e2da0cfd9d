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
import { isScanError, parseScan } from '../scanning/index.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { createTask, finishTask, lockHeldTask, recordPosition, type TaskEngineOptions } from '../tasks/task.service.js';
import { lockTask, taskWithLines } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import { candidateLocations, itemOf, locationFacts, skuAttrs } from './putaway-candidates.js';
import { proposePutaway, violations, type Proposal, type PutawayItem } from './putaway-rules.js';
import type { LocationRow } from '../layout/entities/location.entity.js';

async function position(em: EntityManager, locationId: string): Promise<{ xMm: number; yMm: number }> {
  const l = await sqlOne<Pick<LocationRow, 'x_mm' | 'y_mm'>>(em, 'select x_mm, y_mm from location where id = ?', [locationId]);
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

function scannedLocationCode(raw: string): string {
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
  const loc = await sqlOne<Pick<LocationRow, 'id' | 'code'>>(
    tx,
    'select id, code from location where warehouse_id = ? and code = ? and active',
    [task.warehouse_id, code],
  );
  if (!loc)
    throw new ValidationFailed(
      `No location ${code} here`,
      [{ path: 'body.locationScan', message: 'unknown location', code: 'unknown-location' }],
      'unknown-location',
    );
  const proposed = task.to_location_id
    ? await sqlOne<Pick<LocationRow, 'code'>>(tx, 'select code from location where id = ?', [task.to_location_id])
    : undefined;
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
