import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { sql, sqlOne } from '../shared/sql.js';
import { PLAN_COLUMNS, type PlanRow } from './day-loader.js';
import type { AssembledDay } from './plan-problem.js';
import type { RoutePlanRow } from './entities/route-plan.entity.js';
import type { IdRow } from '../shared/rows.js';
import { moveShipments } from '../shipping/shipment.lifecycle.js';
import { moveRoutePlan, routePlanLifecycle } from './route-plan.lifecycle.js';

/**
 * Worker-side state changes of a solve: claim, progress, result, failure, cancellation. Every
 * write checks the plan is still at the version being solved, so a stale or duplicate job
 * (at-least-once delivery) cannot overwrite a newer request.
 */

/** Moves a queued (or crashed-while-solving) plan at `version` to solving; undefined = nothing to do. */
export async function claimPlan(em: EntityManager, planId: string): Promise<PlanRow | undefined> {
  const plan = await sqlOne<PlanRow>(em, `select ${PLAN_COLUMNS} from route_plan where id = ? for update`, [planId]);
  if (!plan || (plan.status !== 'queued' && plan.status !== 'solving')) return undefined;
  if (plan.cancel_requested) {
    await finishCancelled(em, plan);
    return undefined;
  }
  await moveRoutePlan(em, planId, 'solving', { set: 'started_at = now()' });
  return { ...plan, status: 'solving' };
}

/** Is the solve of this plan version still wanted? */
export async function solveWanted(em: EntityManager, planId: string, version: number): Promise<boolean> {
  const row = await sqlOne<Pick<RoutePlanRow, 'version' | 'cancel_requested' | 'status'>>(
    em,
    'select version, cancel_requested, status from route_plan where id = ?',
    [planId],
  );
  return !!row && row.version === version && row.status === 'solving' && !row.cancel_requested;
}

/** Records the best cost so far and pushes it to the plan's room. */
export async function recordProgress(em: EntityManager, plan: PlanRow, bestCost: number | null, elapsedS: number): Promise<void> {
  if (bestCost !== null)
    await sql(em, 'update route_plan set best_cost = ? where id = ? and version = ?', [bestCost, plan.id, plan.version]);
  await emit(em, {
    type: 'route_plan.progress',
    warehouseId: plan.warehouse_id,
    payload: { planId: plan.id, version: plan.version, bestCost, elapsedS },
    rooms: [`route:${plan.id}`],
  });
}

/** Ends a cancelled solve storing nothing: back to the last solution if there is one. */
export async function finishCancelled(
  em: EntityManager,
  plan: Pick<PlanRow, 'id' | 'warehouse_id' | 'version' | 'solved_version'>,
): Promise<void> {
  await sql(
    em,
    `update route_plan set status = case when solved_version is null then 'cancelled' else 'solved' end,
    cancel_requested = false, finished_at = now(), updated_at = now()
    where id = ? and version = ? and ${routePlanLifecycle.fromSql('cancelled')} and ${routePlanLifecycle.fromSql('solved')}`,
    [plan.id, plan.version],
  );
  await emit(em, {
    type: 'route_plan.cancelled',
    warehouseId: plan.warehouse_id,
    payload: { planId: plan.id, version: plan.version },
    rooms: [`route:${plan.id}`],
  });
}

export async function markFailed(em: EntityManager, plan: PlanRow, error: string): Promise<void> {
  const locked = await sqlOne<Pick<RoutePlanRow, 'version'>>(em, 'select version from route_plan where id = ? for update', [plan.id]);
  if (locked?.version !== plan.version) return;
  await moveRoutePlan(em, plan.id, 'failed', {
    set: 'error = ?, cancel_requested = false, finished_at = now()',
    setParams: [error.slice(0, 2000)],
  });
  await emit(em, {
    type: 'route_plan.failed',
    warehouseId: plan.warehouse_id,
    payload: { planId: plan.id, version: plan.version, error: error.slice(0, 500) },
    rooms: [`route:${plan.id}`],
  });
}

export interface SolveStats {
  iterations: number;
  elapsedS: number;
}

/**
 * Writes the assembled day: one route per used vehicle (upserted), stops upserted by shipment so
 * a stop keeps its id across re-optimisations; stops no longer routed are removed (their
 * shipments are listed as unassigned). Returns false when the plan moved on (stale result).
 */
export async function storeSolution(em: EntityManager, plan: PlanRow, day: AssembledDay, stats: SolveStats): Promise<boolean> {
  const current = await sqlOne<Pick<RoutePlanRow, 'version' | 'status' | 'cancel_requested'>>(
    em,
    'select version, status, cancel_requested from route_plan where id = ? for update',
    [plan.id],
  );
  if (!current || current.version !== plan.version || current.status !== 'solving') return false;
  if (current.cancel_requested) {
    await finishCancelled(em, plan);
    return false;
  }
  const routedShipments: string[] = [];
  const keptRouteIds: string[] = [];
  for (const r of day.routes) {
    const route = (await sqlOne<IdRow>(
      em,
      `insert into route (plan_id, warehouse_id, vehicle_id, driver_id, start_s, end_s, load_weight_g, load_volume_mm3, distance_m, duration_s, cost, breaks)
      values (?, ?, ?, (select id from driver where vehicle_id = ?), ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
      on conflict (plan_id, vehicle_id) do update set start_s = excluded.start_s, end_s = excluded.end_s, load_weight_g = excluded.load_weight_g,
        load_volume_mm3 = excluded.load_volume_mm3, distance_m = excluded.distance_m, duration_s = excluded.duration_s, cost = excluded.cost,
        breaks = excluded.breaks,
        driver_id = coalesce(route.driver_id, excluded.driver_id)
      returning id`,
      [
        plan.id,
        plan.warehouse_id,
        r.vehicleId,
        r.vehicleId,
        r.startS,
        r.endS,
        Math.round(r.loadWeightG),
        Math.round(r.loadVolumeCm3 * 1000),
        r.distanceM,
        r.durationS,
        r.cost,
        JSON.stringify(r.breaks),
      ],
    ))!;
    keptRouteIds.push(route.id);
    const rows: string[] = [];
    const params: unknown[] = [];
    r.stops.forEach((s, i) => {
      rows.push('(?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::int, ?::float8, ?::float8, ?::float8, ?::bigint, ?::bigint)');
      params.push(
        plan.id,
        route.id,
        plan.warehouse_id,
        s.jobId,
        i + 1,
        s.arrivalS,
        s.etaS,
        s.departureS,
        Math.round(s.loadAfterWeightG),
        Math.round(s.loadAfterVolumeCm3 * 1000),
      );
      routedShipments.push(s.jobId);
    });
    // A stop that changes vehicle is no longer what its old driver was told: back to planned.
    await sql(
      em,
      `insert into route_stop (plan_id, route_id, warehouse_id, shipment_id, seq, arrival_s, eta_s, departure_s, load_after_weight_g, load_after_volume_mm3)
      values ${rows.join(', ')}
      on conflict (plan_id, shipment_id) do update set seq = excluded.seq, arrival_s = excluded.arrival_s, eta_s = excluded.eta_s,
        departure_s = excluded.departure_s, load_after_weight_g = excluded.load_after_weight_g, load_after_volume_mm3 = excluded.load_after_volume_mm3,
        status = case when route_stop.route_id = excluded.route_id then route_stop.status else 'planned' end,
        route_id = excluded.route_id`,
      params,
    );
  }
  const shipArr = `{${routedShipments.join(',')}}`;
  await sql(em, `delete from route_stop where plan_id = ? and status in ('planned', 'dispatched') and not (shipment_id = any(?::uuid[]))`, [
    plan.id,
    shipArr,
  ]);
  await sql(
    em,
    `delete from route r where r.plan_id = ? and not (r.id = any(?::uuid[])) and r.status = 'planned'
    and not exists (select 1 from route_stop s where s.route_id = r.id)`,
    [plan.id, `{${keptRouteIds.join(',')}}`],
  );
  await moveShipments(em, routedShipments, 'planned');
  await moveRoutePlan(em, plan.id, 'solved', {
    set: 'solved_version = version, cost = ?, distance_m = ?, duration_s = ?, vehicles_used = ?, iterations = ?, unassigned_shipment_ids = ?::uuid[], unassigned = ?::jsonb, finished_at = now()',
    setParams: [
      day.cost,
      day.distanceM,
      day.durationS,
      day.routes.length,
      stats.iterations,
      `{${day.unassignedShipmentIds.join(',')}}`,
      JSON.stringify(day.unassigned),
    ],
  });
  await emit(em, {
    type: 'route_plan.solved',
    warehouseId: plan.warehouse_id,
    rooms: [`route:${plan.id}`],
    payload: {
      planId: plan.id,
      version: plan.version,
      cost: day.cost,
      distanceM: day.distanceM,
      durationS: day.durationS,
      vehiclesUsed: day.routes.length,
      routes: day.routes.length,
      stops: routedShipments.length,
      unassigned: day.unassignedShipmentIds.length,
      elapsedS: stats.elapsedS,
    },
  });
  return true;
}
