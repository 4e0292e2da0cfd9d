/**
 * Demo floor data: the box catalogue (common corrugated sizes from bench/data/cartonization, global
 * to every warehouse), pickers' and the receiver's equipment, pack tolerances, and two wave templates
 * of the demo warehouse (express cut-off batches, and a scheduled single-line wave).
 */
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import type { RawBox } from '../../bench/cartonization/data.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';

// The catalogue the cartonization benchmark uses: one list of box sizes for demo, tests and bench.
const BOXES_JSON = new URL('../../bench/data/cartonization/boxes.json', import.meta.url);

/** The demo box catalogue (12 common corrugated sizes, in the repository). */
export function demoBoxes(): RawBox[] {
  return (JSON.parse(readFileSync(BOXES_JSON, 'utf8')) as { boxes: RawBox[] }).boxes;
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
