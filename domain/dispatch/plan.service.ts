import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { PLAN_COLUMNS, type PlanRow } from './day-loader.js';
import type { CreatePlan, Reoptimize, StopRule } from './dispatch.schemas.js';
import type { VehicleRow } from './entities/vehicle.entity.js';
import type { RoutePlanRow } from './entities/route-plan.entity.js';
import { moveRoutePlan } from './route-plan.lifecycle.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';

/**
 * Commands on route plans from the dispatcher's side. Each writes the plan row and its event in
 * one transaction and returns the job to enqueue after commit (`routing` queue, job id =
 * plan + version, so a retried request or a duplicate enqueue runs one solve).
 */

export interface SolveRequest {
  planId: string;
  version: number;
  jobId: string;
}

export const solveJobId = (planId: string, version: number) => `plan-${planId}-v${version}`;

/** Locks a plan row visible to the actor (404 otherwise). */
export async function lockPlan(em: EntityManager, actor: Actor | undefined, planId: string): Promise<PlanRow> {
  const row = await sqlOne<PlanRow>(em, `select ${PLAN_COLUMNS} from route_plan where id = ? for update`, [planId]);
  if (!row || (actor && !canSeeWarehouse(actor, row.warehouse_id))) throw new NotFound('Route plan', planId);
  return row;
}

/**
 * Writes stop-side rules to their shipments (same transaction as the plan). Every shipment must
 * belong to the warehouse: otherwise 422 naming `body.stopRules.<k>.shipmentId`. A field left
 * out keeps the stored value; an optional stop must end up with a drop penalty.
 */
export async function applyStopRules(em: EntityManager, warehouseId: string, rules: StopRule[]): Promise<void> {
  if (rules.length === 0) return;
  const found = await sql<Pick<ShipmentRow, 'id' | 'optional_stop' | 'drop_penalty_minor'>>(
    em,
    'select id, optional_stop, drop_penalty_minor from shipment where id = any(?::uuid[]) and warehouse_id = ? for update',
    [`{${rules.map((r) => r.shipmentId).join(',')}}`, warehouseId],
  );
  const byId = new Map(found.map((f) => [f.id, f]));
  const errors: { path: string; message: string }[] = [];
  rules.forEach((r, k) => {
    const row = byId.get(r.shipmentId);
    if (!row) errors.push({ path: `body.stopRules.${k}.shipmentId`, message: `shipment ${r.shipmentId} not found in this warehouse` });
    else if ((r.optional ?? row.optional_stop) && (r.dropPenaltyMinor ?? row.drop_penalty_minor) == null)
      errors.push({ path: `body.stopRules.${k}.dropPenaltyMinor`, message: 'an optional stop needs dropPenaltyMinor' });
  });
  if (errors.length) throw new ValidationFailed('Invalid stop rules', errors, 'invalid-stop-rules');
  for (const r of rules) {
    const w = r.timeWindow;
    await sql(
      em,
      `update shipment set
        required_skills = coalesce(?::text[], required_skills),
        window_start_s = case when ?::boolean then ?::int else window_start_s end,
        window_end_s = case when ?::boolean then ?::int else window_end_s end,
        service_time_s = coalesce(?::int, service_time_s),
        pallets = coalesce(?::int, pallets),
        delivery_priority = coalesce(?::int, delivery_priority),
        optional_stop = coalesce(?::boolean, optional_stop),
        drop_penalty_minor = coalesce(?::bigint, drop_penalty_minor),
        updated_at = now()
      where id = ?`,
      [
        r.skills ? `{${r.skills.join(',')}}` : null,
        w !== undefined,
        w?.startS ?? null,
        w !== undefined,
        w?.endS ?? null,
        r.serviceTimeS ?? null,
        r.pallets ?? null,
        r.priority ?? null,
        r.optional ?? null,
        r.dropPenaltyMinor ?? null,
        r.shipmentId,
      ],
    );
  }
}

/** Creates a plan for a delivery day and depot; the solve runs on the `routing` queue. */
export async function requestPlan(em: EntityManager, actor: Actor, cmd: CreatePlan): Promise<SolveRequest> {
  if (!canSeeWarehouse(actor, cmd.warehouseId)) throw new NotFound('Warehouse', cmd.warehouseId);
  if (cmd.vehicleIds) {
    const found = await sql<Pick<VehicleRow, 'id'>>(
      em,
      'select id from vehicle where id = any(?::uuid[]) and warehouse_id = ? and active',
      [`{${cmd.vehicleIds.join(',')}}`, cmd.warehouseId],
    );
    const missing = cmd.vehicleIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length)
      throw new ValidationFailed(
        `Unknown or inactive vehicles: ${missing.join(', ')}`,
        missing.map((id) => ({ path: 'body.vehicleIds', message: `vehicle ${id} not found in this warehouse` })),
        'unknown-vehicle',
      );
  } else if (!(await sqlOne(em, 'select 1 from vehicle where warehouse_id = ? and active', [cmd.warehouseId]))) {
    throw new ValidationFailed('The warehouse has no active vehicles to plan with', [], 'no-vehicles');
  }
  await applyStopRules(em, cmd.warehouseId, cmd.stopRules);
  const row = (await sqlOne<Pick<RoutePlanRow, 'id'>>(
    em,
    `insert into route_plan (warehouse_id, delivery_date, vehicle_ids, time_limit_s, seed, created_by)
    values (?, ?::date, ?::uuid[], ?, ?, ?) returning id`,
    [
      cmd.warehouseId,
      cmd.deliveryDate,
      cmd.vehicleIds ? `{${cmd.vehicleIds.join(',')}}` : null,
      cmd.timeLimitS,
      cmd.seed,
      actor.kind === 'user' ? actor.id : null,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route_plan.requested',
    objectType: 'route_plan',
    objectId: row.id,
    warehouseId: cmd.warehouseId,
  });
  await emit(em, {
    type: 'route_plan.requested',
    warehouseId: cmd.warehouseId,
    payload: { planId: row.id, deliveryDate: cmd.deliveryDate, version: 1, reason: 'plan' },
    rooms: [`route:${row.id}`],
    actorId: actor.id,
  });
  return { planId: row.id, version: 1, jobId: solveJobId(row.id, 1) };
}

/**
 * Re-solves a plan keeping dispatched and done stops on their vehicles in order; the broken
 * vehicles' remaining stops go back into the pool. Not while a solve runs (409).
 */
export async function requestReoptimize(em: EntityManager, actor: Actor, planId: string, cmd: Reoptimize): Promise<SolveRequest> {
  const plan = await lockPlan(em, actor, planId);
  if (plan.status === 'queued' || plan.status === 'solving')
    throw new Conflict(`Route plan ${planId} is ${plan.status}; cancel it or wait`, 'plan-busy');
  if (cmd.brokenVehicleIds.length) {
    const known = await sql<Pick<VehicleRow, 'id'>>(em, 'select id from vehicle where id = any(?::uuid[]) and warehouse_id = ?', [
      `{${cmd.brokenVehicleIds.join(',')}}`,
      plan.warehouse_id,
    ]);
    const missing = cmd.brokenVehicleIds.filter((id) => !known.some((k) => k.id === id));
    if (missing.length) throw new ValidationFailed(`Unknown vehicles: ${missing.join(', ')}`, [], 'unknown-vehicle');
  }
  const broken = [...new Set([...plan.broken_vehicle_ids, ...cmd.brokenVehicleIds])];
  const version = plan.version + 1;
  await moveRoutePlan(em, planId, 'queued', {
    set: `version = ?, broken_vehicle_ids = ?::uuid[], cancel_requested = false, error = null, best_cost = null, time_limit_s = coalesce(?, time_limit_s)`,
    setParams: [version, `{${broken.join(',')}}`, cmd.timeLimitS ?? null],
  });
  if (cmd.brokenVehicleIds.length) {
    await sql(em, `update route set status = 'broken_down' where plan_id = ? and vehicle_id = any(?::uuid[])`, [
      planId,
      `{${cmd.brokenVehicleIds.join(',')}}`,
    ]);
  }
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route_plan.reoptimize_requested',
    objectType: 'route_plan',
    objectId: planId,
    warehouseId: plan.warehouse_id,
    details: { brokenVehicleIds: cmd.brokenVehicleIds },
  });
  await emit(em, {
    type: 'route_plan.requested',
    warehouseId: plan.warehouse_id,
    payload: { planId, deliveryDate: plan.delivery_date, version, reason: 'reoptimize' },
    rooms: [`route:${planId}`],
    actorId: actor.id,
  });
  return { planId, version, jobId: solveJobId(planId, version) };
}

/**
 * Asks a queued or running solve to stop. The worker terminates the solver thread and stores
 * nothing: a first solve ends `cancelled`, a re-optimisation falls back to the routes it started
 * from (`solved`). Cancelling a finished plan is a 409.
 */
export async function requestCancel(em: EntityManager, actor: Actor, planId: string): Promise<{ status: string }> {
  const plan = await lockPlan(em, actor, planId);
  if (plan.status !== 'queued' && plan.status !== 'solving')
    throw new Conflict(`Route plan ${planId} is ${plan.status}; nothing to cancel`, 'plan-not-running');
  await sql(em, `update route_plan set cancel_requested = true, updated_at = now() where id = ?`, [planId]);
  return { status: plan.status };
}
