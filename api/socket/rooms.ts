import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOne } from '../../domain/shared/sql.js';
import { canSeeWarehouse, type Actor } from '../../domain/shared/roles.js';
import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';
import type { RoutePlanRow } from '../../domain/dispatch/entities/route-plan.entity.js';

/** Finds the warehouse an object-room belongs to; contexts add their object kinds here. */
const objectRooms: Record<string, (em: EntityManager, id: string) => Promise<string | undefined>> = {
  task: async (em, id) =>
    (await sqlOne<Pick<TaskRow, 'warehouse_id'>>(em, `select warehouse_id from task where id = ?`, [id]))?.warehouse_id,
  shipment: async (em, id) =>
    (await sqlOne<Pick<ShipmentRow, 'warehouse_id'>>(em, `select warehouse_id from shipment where id = ?`, [id]))?.warehouse_id,
  route: async (em, id) =>
    (await sqlOne<Pick<RoutePlanRow, 'warehouse_id'>>(em, `select warehouse_id from route_plan where id = ?`, [id]))?.warehouse_id,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** May this actor join this room? Unknown rooms, malformed ids and other warehouses' objects are refused. */
export async function mayJoin(em: EntityManager, actor: Actor, room: string): Promise<boolean> {
  const m = /^([a-z]+):(.+)$/.exec(room);
  if (!m || !UUID.test(m[2]!)) return false;
  const [, kind, id] = m as unknown as [string, string, string];
  if (kind === 'warehouse') return canSeeWarehouse(actor, id);
  if (kind === 'user') return id === actor.id || actor.roles.includes('admin');
  const resolve = objectRooms[kind];
  if (!resolve) return false;
  try {
    const wid = await resolve(em, id);
    return wid !== undefined && canSeeWarehouse(actor, wid);
  } catch {
    return false; // the context's table may not exist yet
  }
}
