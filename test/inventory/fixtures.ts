/** Small builders for inventory tests: SKUs and locations straight into a test database. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOne } from '../../domain/shared/sql.js';

import type { IdRow } from '../../domain/shared/rows.js';
let n = 0;
const uniq = () => `${process.pid}-${++n}-${Math.floor(Math.random() * 1e6)}`;

export async function makeSku(
  em: EntityManager,
  o: { code?: string; trackLot?: boolean; trackExpiry?: boolean } = {},
): Promise<{ id: string; code: string }> {
  const code = o.code ?? `T-SKU-${uniq()}`;
  const row = await sqlOne<IdRow>(em, 'insert into sku (code, name, track_lot, track_expiry) values (?, ?, ?, ?) returning id', [
    code,
    `Test ${code}`,
    !!o.trackLot,
    !!o.trackExpiry,
  ]);
  return { id: row!.id, code };
}

export async function makeLocation(
  em: EntityManager,
  warehouseId: string,
  o: { code?: string; type?: string; xMm?: number; yMm?: number } = {},
): Promise<{ id: string; code: string }> {
  const code = o.code ?? `T-${uniq()}`;
  const row = await sqlOne<IdRow>(em, 'insert into location (warehouse_id, code, type, x_mm, y_mm) values (?, ?, ?, ?, ?) returning id', [
    warehouseId,
    code,
    o.type ?? 'pick_face',
    o.xMm ?? 0,
    o.yMm ?? 0,
  ]);
  return { id: row!.id, code };
}
