import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOne } from '../shared/sql.js';
import type { LocationRow } from '../layout/entities/location.entity.js';

/**
 * The two non-allocatable locations the floor moves stock through: `CARTS` (totes on pick carts,
 * each tote an LPN) and `OUTBOUND` (packed cartons waiting for shipping). Created on first use.
 */
export const CARTS_CODE = 'CARTS';
export const OUTBOUND_CODE = 'OUTBOUND';

/** Id of a floor location of the warehouse, created if missing (idempotent under concurrency). */
export async function floorLocation(
  em: EntityManager,
  warehouseId: string,
  code: typeof CARTS_CODE | typeof OUTBOUND_CODE,
): Promise<string> {
  const type = code === CARTS_CODE ? 'virtual' : 'ship';
  const found = await sqlOne<Pick<LocationRow, 'id'>>(em, 'select id from location where warehouse_id = ? and code = ?', [
    warehouseId,
    code,
  ]);
  if (found) return found.id;
  await sqlOne(em, `insert into location (warehouse_id, code, type) values (?, ?, ?) on conflict (warehouse_id, code) do nothing`, [
    warehouseId,
    code,
    type,
  ]);
  return (await sqlOne<Pick<LocationRow, 'id'>>(em, 'select id from location where warehouse_id = ? and code = ?', [warehouseId, code]))!
    .id;
}
