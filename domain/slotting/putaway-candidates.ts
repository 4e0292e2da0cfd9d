/** Loads what the pure putaway rules need from the database: the item's attributes and candidate locations with their contents. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { PutawayItem, PutawayLocation } from './putaway-rules.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
import type { ZoneRow } from '../layout/entities/zone.entity.js';
import type { PickFaceRow } from './entities/pick-face.entity.js';

/** A SKU's putaway attributes: its columns, its unit volume (mm³, bigint as text) and the warehouse's velocity class. */
type SkuAttrs = Pick<SkuRow, 'id' | 'code' | 'weight_g' | 'storage_condition' | 'hazmat_class' | 'velocity_class'> & {
  unit_volume: string;
};

/** A location with its zone's rules, its pick-face SKU and its contents (json_agg), as the candidate queries read it. */
export type CandidateLocationRow = Pick<
  LocationRow,
  'id' | 'code' | 'type' | 'golden_zone' | 'x_mm' | 'y_mm' | 'max_volume_mm3' | 'max_weight_g' | 'max_skus' | 'mixed_lots'
> & {
  temperature: ZoneRow['temperature_class'];
  hazmat_allowed: ZoneRow['hazmat_allowed'];
  face_sku_id: PickFaceRow['sku_id'] | null;
  contents: (Omit<PutawayLocation['contents'][number], 'unitVolumeMm3'> & { unitVolumeMm3: string | number })[];
};

/** A SKU's putaway attributes; its velocity class is the warehouse's last velocity run, else the hand-typed one. */
export async function skuAttrs(em: EntityManager, skuId: string, warehouseId?: string): Promise<SkuAttrs> {
  const s = await sqlOne<SkuAttrs>(
    em,
    `select s.id, s.code, s.length_mm::bigint * s.width_mm * s.height_mm as unit_volume, s.weight_g, s.storage_condition, s.hazmat_class,
      coalesce(v.velocity_class, s.velocity_class) as velocity_class
    from sku s left join sku_velocity v on v.sku_id = s.id and v.warehouse_id = ?::uuid where s.id = ?`,
    [warehouseId ?? null, skuId],
  );
  if (!s) throw new NotFound('SKU', skuId);
  return s;
}

export function itemOf(
  s: SkuAttrs,
  o: { qty: number; lot: string | null; status: PutawayItem['status']; wholeLpn?: boolean },
): PutawayItem {
  return {
    skuId: s.id,
    qty: o.qty,
    unitVolumeMm3: Number(s.unit_volume),
    unitWeightG: s.weight_g,
    temperature: s.storage_condition,
    hazmatClass: s.hazmat_class,
    lot: o.lot,
    velocity: s.velocity_class,
    status: o.status,
    wholeLpn: o.wholeLpn,
  };
}

function toLocation(r: CandidateLocationRow): PutawayLocation {
  return {
    id: r.id,
    code: r.code,
    type: r.type,
    temperature: r.temperature,
    hazmatAllowed: r.hazmat_allowed,
    golden: r.golden_zone,
    xMm: r.x_mm,
    yMm: r.y_mm,
    maxVolumeMm3: r.max_volume_mm3 === null ? null : Number(r.max_volume_mm3),
    maxWeightG: r.max_weight_g,
    maxSkus: r.max_skus,
    mixedLots: r.mixed_lots,
    faceSkuId: r.face_sku_id,
    contents: r.contents.map((c) => ({ ...c, unitVolumeMm3: Number(c.unitVolumeMm3) })),
  };
}

const LOC_SQL = `
  select l.id, l.code, l.type, coalesce(z.temperature_class, 'ambient') as temperature, coalesce(z.hazmat_allowed, false) as hazmat_allowed,
    l.golden_zone, l.x_mm, l.y_mm, l.max_volume_mm3, l.max_weight_g, l.max_skus, l.mixed_lots, pf.sku_id as face_sku_id,
    coalesce((select json_agg(json_build_object('skuId', b.sku_id, 'lot', b.lot, 'qty', b.on_hand,
        'unitVolumeMm3', s.length_mm::bigint * s.width_mm * s.height_mm, 'unitWeightG', s.weight_g, 'hazmatClass', s.hazmat_class))
      from stock_balance b join sku s on s.id = b.sku_id where b.location_id = l.id and b.on_hand > 0), '[]'::json) as contents,
    exists (select 1 from stock_balance b where b.location_id = l.id and b.sku_id = ? and b.on_hand > 0) as has_sku
  from location l left join zone z on z.id = l.zone_id left join pick_face pf on pf.location_id = l.id
  where l.warehouse_id = ? and l.active and l.type = any(?::text[]) and coalesce(z.temperature_class, 'ambient') = ?
    and (?::uuid[] is null or l.id = any(?::uuid[]))
  order by has_sku desc, abs(l.x_mm - ?) + abs(l.y_mm - ?), l.code
  limit ?`;

/**
 * Candidate locations for an item: active, of a type its status may go to, of its temperature class;
 * those already holding the SKU first, then nearest to `from`, at most `limit` of them.
 */
export async function candidateLocations(
  em: EntityManager,
  warehouseId: string,
  item: PutawayItem,
  from: { xMm: number; yMm: number },
  o: { only?: string[]; limit?: number } = {},
): Promise<PutawayLocation[]> {
  const types = item.status === 'available' ? '{reserve,pick_face}' : '{quarantine}';
  const only = o.only ? `{${o.only.join(',')}}` : null;
  const rows = await sql<CandidateLocationRow>(em, LOC_SQL, [
    item.skuId,
    warehouseId,
    types,
    item.temperature,
    only,
    only,
    from.xMm,
    from.yMm,
    o.limit ?? 3000,
  ]);
  return rows.map(toLocation);
}

/** A location's facts (any type or temperature) for checking an override against the hard rules. */
export async function locationFacts(em: EntityManager, warehouseId: string, locationId: string): Promise<PutawayLocation | null> {
  const r = await sqlOne<CandidateLocationRow>(
    em,
    `select l.id, l.code, l.type, coalesce(z.temperature_class, 'ambient') as temperature, coalesce(z.hazmat_allowed, false) as hazmat_allowed,
      l.golden_zone, l.x_mm, l.y_mm, l.max_volume_mm3, l.max_weight_g, l.max_skus, l.mixed_lots, pf.sku_id as face_sku_id,
      coalesce((select json_agg(json_build_object('skuId', b.sku_id, 'lot', b.lot, 'qty', b.on_hand,
          'unitVolumeMm3', s.length_mm::bigint * s.width_mm * s.height_mm, 'unitWeightG', s.weight_g, 'hazmatClass', s.hazmat_class))
        from stock_balance b join sku s on s.id = b.sku_id where b.location_id = l.id and b.on_hand > 0), '[]'::json) as contents
    from location l left join zone z on z.id = l.zone_id left join pick_face pf on pf.location_id = l.id
    where l.warehouse_id = ? and l.id = ?`,
    [warehouseId, locationId],
  );
  return r ? toLocation(r) : null;
}

/**
 * Every active location of the given types (any temperature) with its facts and contents, for re-slotting;
 * `emptyOnly` keeps those holding no stock and no pick-face slot (buffers for a move cycle).
 */
export async function locationsOfTypes(
  em: EntityManager,
  warehouseId: string,
  types: string[],
  o: { emptyOnly?: boolean; limit?: number } = {},
): Promise<PutawayLocation[]> {
  const rows = await sql<CandidateLocationRow>(
    em,
    `select l.id, l.code, l.type, coalesce(z.temperature_class, 'ambient') as temperature, coalesce(z.hazmat_allowed, false) as hazmat_allowed,
      l.golden_zone, l.x_mm, l.y_mm, l.max_volume_mm3, l.max_weight_g, l.max_skus, l.mixed_lots, pf.sku_id as face_sku_id,
      coalesce((select json_agg(json_build_object('skuId', b.sku_id, 'lot', b.lot, 'qty', b.on_hand,
          'unitVolumeMm3', s.length_mm::bigint * s.width_mm * s.height_mm, 'unitWeightG', s.weight_g, 'hazmatClass', s.hazmat_class))
        from stock_balance b join sku s on s.id = b.sku_id where b.location_id = l.id and b.on_hand > 0), '[]'::json) as contents
    from location l left join zone z on z.id = l.zone_id left join pick_face pf on pf.location_id = l.id
    where l.warehouse_id = ? and l.active and l.type = any(?::text[])
      and (not ? or (pf.location_id is null and not exists (select 1 from stock_balance b where b.location_id = l.id and b.on_hand > 0)))
    order by l.code limit ?`,
    [warehouseId, `{${types.join(',')}}`, o.emptyOnly ?? false, o.limit ?? 20_000],
  );
  return rows.map(toLocation);
}
