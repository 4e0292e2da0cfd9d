/** Wave templates: the saved filters, pick mode and release schedule a planner (or the scheduler) plans waves from. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../identity/audit.js';
import type { Clock } from '../shared/clock.js';
import { Conflict } from '../shared/errors.js';
import { type Actor } from '../shared/roles.js';
import { assertInWarehouse } from '../shared/scope.js';
import { sql, sqlOne } from '../shared/sql.js';
import { pgArray } from '../shared/sql.js';
import type { WaveTemplateInput, WaveTemplateView } from './wave.schemas.js';
import { iso } from '../shared/time.js';
import { assertWh } from './wave-views.js';

export interface TemplateRow {
  id: string;
  warehouse_id: string;
  name: string;
  carrier_codes: string[];
  service_codes: string[];
  zone_ids: string[];
  order_profile: WaveTemplateInput['orderProfile'];
  cutoff_within_s: number | null;
  max_orders: number;
  pick_mode: WaveTemplateInput['pickMode'];
  cart_slots: number;
  streaming: boolean;
  release_every_s: number | null;
  next_release_at: Date | string | null;
  priority: number;
  active: boolean;
}

export function toTemplateView(t: TemplateRow): WaveTemplateView {
  return {
    id: t.id,
    warehouseId: t.warehouse_id,
    name: t.name,
    carrierCodes: t.carrier_codes,
    serviceCodes: t.service_codes,
    zoneIds: t.zone_ids,
    orderProfile: t.order_profile,
    cutoffWithinS: t.cutoff_within_s,
    maxOrders: t.max_orders,
    pickMode: t.pick_mode,
    cartSlots: t.cart_slots,
    streaming: t.streaming,
    releaseEveryS: t.release_every_s,
    priority: t.priority,
    active: t.active,
    nextReleaseAt: iso(t.next_release_at),
  };
}

/** Creates a wave template (filters, pick mode, cart slots, optional scheduled/streaming release). */
export async function createWaveTemplate(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  b: WaveTemplateInput,
  clock: Clock,
): Promise<WaveTemplateView> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  await assertInWarehouse(em, warehouseId, [['Zone', b.zoneIds]]);
  if (await sqlOne(em, 'select 1 from wave_template where warehouse_id = ? and name = ?', [warehouseId, b.name]))
    throw new Conflict(`Wave template ${b.name} exists`, 'wave-template-name-taken');
  const next = b.releaseEveryS ? new Date(clock.now().getTime() + b.releaseEveryS * 1000).toISOString() : null;
  const row = (await sqlOne<TemplateRow>(
    em,
    `insert into wave_template (warehouse_id, name, carrier_codes, service_codes, zone_ids, order_profile, cutoff_within_s,
      max_orders, pick_mode, cart_slots, streaming, release_every_s, next_release_at, priority)
    values (?, ?, ?::text[], ?::text[], ?::uuid[], ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [
      warehouseId,
      b.name,
      pgArray(b.carrierCodes),
      pgArray(b.serviceCodes),
      `{${b.zoneIds.join(',')}}`,
      b.orderProfile,
      b.cutoffWithinS,
      b.maxOrders,
      b.pickMode,
      b.cartSlots,
      b.streaming,
      b.releaseEveryS,
      next,
      b.priority,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'wave_template.created',
    objectType: 'wave_template',
    objectId: row.id,
    warehouseId,
  });
  return toTemplateView(row);
}

export async function listWaveTemplates(em: EntityManager, actor: Actor, warehouseId: string): Promise<WaveTemplateView[]> {
  assertWh(actor, warehouseId, 'Warehouse', warehouseId);
  return (await sql<TemplateRow>(em, 'select * from wave_template where warehouse_id = ? order by name', [warehouseId])).map(
    toTemplateView,
  );
}
