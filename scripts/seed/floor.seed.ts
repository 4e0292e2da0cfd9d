/**
 * Demo floor data: the box catalogue (common corrugated sizes from the shared benchmark data, global
 * to every warehouse), pickers' and the receiver's equipment, pack tolerances, and two wave templates
 * of the demo warehouse (express cut-off batches, and a scheduled single-line wave).
 */
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';

const BOXES_JSON = new URL('../../../shared/bench-data/cartonization/boxes.json', import.meta.url);

interface BoxJson {
  code: string;
  innerLengthMm: number;
  innerWidthMm: number;
  innerHeightMm: number;
  maxWeightG: number;
  tareG: number;
}

/** The demo box catalogue; falls back to a small built-in set when the shared data is not present. */
export function demoBoxes(): BoxJson[] {
  try {
    return (JSON.parse(readFileSync(BOXES_JSON, 'utf8')) as { boxes: BoxJson[] }).boxes;
  } catch {
    return [
      { code: 'BOX-8x6x4', innerLengthMm: 203, innerWidthMm: 152, innerHeightMm: 102, maxWeightG: 9000, tareG: 50 },
      { code: 'BOX-12x10x8', innerLengthMm: 305, innerWidthMm: 254, innerHeightMm: 203, maxWeightG: 9000, tareG: 88 },
      { code: 'BOX-18x14x10', innerLengthMm: 457, innerWidthMm: 356, innerHeightMm: 254, maxWeightG: 22000, tareG: 166 },
    ];
  }
}

export async function seedFloor(em: EntityManager): Promise<boolean> {
  if (await sqlOne(em, 'select 1 from box_type where warehouse_id is null limit 1')) return false;
  for (const b of demoBoxes()) {
    await sql(
      em,
      `insert into box_type (code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g) values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
      [b.code, b.innerLengthMm, b.innerWidthMm, b.innerHeightMm, b.maxWeightG, b.tareG],
    );
  }
  const equipment: Record<string, string[]> = {
    picker1: ['cart'],
    picker2: ['cart', 'order_picker'],
    receiver1: ['reach_truck', 'pallet_jack'],
  };
  for (const [username, eq] of Object.entries(equipment)) {
    await sql(
      em,
      `insert into worker_profile (user_id, equipment) select id, ?::text[] from app_user where username = ? on conflict (user_id) do update set equipment = excluded.equipment`,
      [`{${eq.join(',')}}`, username],
    );
  }
  if (await sqlOne(em, 'select 1 from warehouse where id = ?', [DEMO_WAREHOUSE_ID])) {
    await sql(
      em,
      `insert into floor_settings (warehouse_id, weight_tolerance_pct, weight_tolerance_min_g) values (?, 5, 20) on conflict do nothing`,
      [DEMO_WAREHOUSE_ID],
    );
    await sql(
      em,
      `insert into wave_template (warehouse_id, name, order_profile, pick_mode, cart_slots, cutoff_within_s, priority) values (?, 'Express cut-off', 'any', 'batch', 8, 14400, 80) on conflict do nothing`,
      [DEMO_WAREHOUSE_ID],
    );
    await sql(
      em,
      `insert into wave_template (warehouse_id, name, order_profile, pick_mode, cart_slots, release_every_s, next_release_at, active) values (?, 'Singles every 30 min', 'single_line', 'batch', 12, 1800, now() + interval '30 minutes', false) on conflict do nothing`,
      [DEMO_WAREHOUSE_ID],
    );
  }
  return true;
}
