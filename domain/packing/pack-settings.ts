import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../shared/sql.js';
import type { FloorSettingsRow } from './entities/floor-settings.entity.js';

/** A warehouse's pack rules: the scale tolerance (share and floor) and the cartonizer's support ratio. */
export interface PackSettings {
  pct: number;
  minG: number;
  support: number;
}

/** The warehouse's pack settings, or the defaults when it has none (5 %, 20 g, half the base supported). */
export async function packSettings(em: EntityManager, warehouseId: string): Promise<PackSettings> {
  const s = await sqlOne<Pick<FloorSettingsRow, 'weight_tolerance_pct' | 'weight_tolerance_min_g' | 'min_support_ratio'>>(
    em,
    'select * from floor_settings where warehouse_id = ?',
    [warehouseId],
  );
  return {
    pct: s ? Number(s.weight_tolerance_pct) : 5,
    minG: s?.weight_tolerance_min_g ?? 20,
    support: s ? Number(s.min_support_ratio) : 0.5,
  };
}

/** Sets a warehouse's pack tolerances (scale check) and support rule (cartonization). */
export async function setPackSettings(
  em: EntityManager,
  warehouseId: string,
  b: { weightTolerancePct: number; weightToleranceMinG: number; minSupportRatio: number },
): Promise<void> {
  await sql(
    em,
    `insert into floor_settings (warehouse_id, weight_tolerance_pct, weight_tolerance_min_g, min_support_ratio) values (?, ?, ?, ?)
    on conflict (warehouse_id) do update set weight_tolerance_pct = excluded.weight_tolerance_pct, weight_tolerance_min_g = excluded.weight_tolerance_min_g,
    min_support_ratio = excluded.min_support_ratio, updated_at = now()`,
    [warehouseId, b.weightTolerancePct, b.weightToleranceMinG, b.minSupportRatio],
  );
}
