/**
 * Layout use cases: zones (with temperature class) and locations (type, plan coordinates in mm,
 * capacity), created one by one or as a whole rack run from a pattern in one statement.
 */
import { keyset } from '../shared/cursor.js';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { emit } from '../events/outbox.js';
import { BadRequest, Conflict, NotFound } from '../shared/errors.js';
import { sql } from '../shared/sql.js';
import { PatternError, expandRackPattern, placeSlots } from './rack-pattern.js';
import { Location } from './entities/location.entity.js';
import { Zone } from './entities/zone.entity.js';

const byCode = keyset(['text']);

export const LOCATION_TYPES = ['dock', 'staging', 'reserve', 'pick_face', 'pack', 'ship', 'quarantine', 'returns', 'virtual'] as const;

export const zoneInput = z.object({
  code: z.string().regex(/^[A-Z0-9_-]{1,16}$/),
  name: z.string().min(1).max(100),
  temperatureClass: z.enum(['ambient', 'chilled', 'frozen']).default('ambient'),
});
export const zoneView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  code: z.string(),
  name: z.string(),
  temperatureClass: z.string(),
});

const capacity = {
  maxVolumeMm3: z.number().int().positive().nullable().optional(),
  maxWeightG: z.number().int().positive().nullable().optional(),
  maxSkus: z.number().int().positive().nullable().optional(),
  mixedLots: z.boolean().default(true),
};
export const locationInput = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'uppercase letters, digits and dashes'),
  type: z.enum(LOCATION_TYPES),
  zoneId: z.uuid().nullable().optional(),
  aisle: z.string().max(8).nullable().optional(),
  bay: z.number().int().nullable().optional(),
  level: z.number().int().nullable().optional(),
  position: z.number().int().nullable().optional(),
  xMm: z.number().int().default(0),
  yMm: z.number().int().default(0),
  zMm: z.number().int().default(0),
  pickSequence: z.number().int().nullable().optional(),
  ...capacity,
});
export type LocationInput = z.infer<typeof locationInput>;

export const rackRunInput = z.object({
  pattern: z.string().min(3).max(64),
  type: z.enum(LOCATION_TYPES).default('pick_face'),
  zoneId: z.uuid().nullable().optional(),
  aisleXMm: z.number().int().default(0),
  originYMm: z.number().int().default(0),
  bayWidthMm: z.number().int().positive().default(2700),
  levelHeightMm: z.number().int().positive().default(1500),
  faceOffsetMm: z.number().int().min(0).default(1500),
  ...capacity,
});

export const locationView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  zoneId: z.string().nullable(),
  code: z.string(),
  type: z.string(),
  aisle: z.string().nullable(),
  bay: z.number().nullable(),
  level: z.number().nullable(),
  position: z.number().nullable(),
  xMm: z.number(),
  yMm: z.number(),
  zMm: z.number(),
  pickSequence: z.number().nullable(),
  maxVolumeMm3: z.number().nullable(),
  maxWeightG: z.number().nullable(),
  maxSkus: z.number().nullable(),
  mixedLots: z.boolean(),
  active: z.boolean(),
});
export type LocationView = z.infer<typeof locationView>;

export function toLocationView(r: Location): LocationView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    zoneId: r.zone_id ?? null,
    code: r.code,
    type: r.type,
    aisle: r.aisle ?? null,
    bay: r.bay ?? null,
    level: r.level ?? null,
    position: r.position ?? null,
    xMm: r.x_mm,
    yMm: r.y_mm,
    zMm: r.z_mm,
    pickSequence: r.pick_sequence ?? null,
    maxVolumeMm3: r.max_volume_mm3 == null ? null : Number(r.max_volume_mm3),
    maxWeightG: r.max_weight_g ?? null,
    maxSkus: r.max_skus ?? null,
    mixedLots: r.mixed_lots,
    active: r.active,
  };
}

export async function createZone(tx: EntityManager, warehouseId: string, z0: z.infer<typeof zoneInput>) {
  if (await tx.count(Zone, { warehouse_id: warehouseId, code: z0.code })) throw new Conflict(`Zone ${z0.code} exists`, 'zone-code-taken');
  const id = (await tx.insert(Zone, {
    warehouse_id: warehouseId,
    code: z0.code,
    name: z0.name,
    temperature_class: z0.temperatureClass,
  })) as string;
  return { id, warehouseId, code: z0.code, name: z0.name, temperatureClass: z0.temperatureClass };
}

export async function listZones(em: EntityManager, warehouseId: string) {
  const rows = await em.find(Zone, { warehouse_id: warehouseId }, { orderBy: { code: 'asc' }, disableIdentityMap: true });
  return rows.map((r) => ({ id: r.id, warehouseId: r.warehouse_id, code: r.code, name: r.name, temperatureClass: r.temperature_class }));
}

type Insertable = LocationInput & { pickSequence?: number | null };

/** Inserts locations in one statement; a code that exists in the warehouse is a 409 naming it. */
export async function insertLocations(tx: EntityManager, warehouseId: string, locs: Insertable[]): Promise<number> {
  if (locs.length === 0) return 0;
  const zoneIds = [...new Set(locs.map((l) => l.zoneId).filter(Boolean))] as string[];
  if (zoneIds.length) {
    const found = await tx.count(Zone, { warehouse_id: warehouseId, id: { $in: zoneIds } });
    if (found !== zoneIds.length) throw new NotFound('Zone');
  }
  const recs = locs.map((l) => ({
    warehouse_id: warehouseId,
    zone_id: l.zoneId ?? null,
    code: l.code,
    type: l.type,
    aisle: l.aisle ?? null,
    bay: l.bay ?? null,
    level: l.level ?? null,
    position: l.position ?? null,
    x_mm: l.xMm,
    y_mm: l.yMm,
    z_mm: l.zMm,
    max_volume_mm3: l.maxVolumeMm3 ?? null,
    max_weight_g: l.maxWeightG ?? null,
    max_skus: l.maxSkus ?? null,
    mixed_lots: l.mixedLots,
    pick_sequence: l.pickSequence ?? null,
  }));
  const dup = await tx.find(
    Location,
    { warehouse_id: warehouseId, code: { $in: recs.map((r) => r.code) } },
    { fields: ['code'], limit: 5, disableIdentityMap: true },
  );
  if (dup.length) throw new Conflict(`Location codes exist already: ${dup.map((d) => d.code).join(', ')}`, 'location-code-taken');
  await sql(
    tx,
    `insert into location (warehouse_id, zone_id, code, type, aisle, bay, level, position, x_mm, y_mm, z_mm, max_volume_mm3, max_weight_g, max_skus, mixed_lots, pick_sequence)
    select warehouse_id, zone_id, code, type, aisle, bay, level, position, x_mm, y_mm, z_mm, max_volume_mm3, max_weight_g, max_skus, mixed_lots, pick_sequence
    from jsonb_to_recordset(?::jsonb) as r(warehouse_id uuid, zone_id uuid, code text, type text, aisle text, bay int, level int, position int,
      x_mm int, y_mm int, z_mm int, max_volume_mm3 bigint, max_weight_g int, max_skus int, mixed_lots boolean, pick_sequence int)`,
    [JSON.stringify(recs)],
  );
  return recs.length;
}

export async function createLocation(tx: EntityManager, warehouseId: string, input: LocationInput): Promise<LocationView> {
  await insertLocations(tx, warehouseId, [input]);
  return getLocation(tx, warehouseId, input.code);
}

/** Creates a whole rack run from a pattern with plan coordinates; returns how many and the first/last code. */
export async function createRackRun(tx: EntityManager, warehouseId: string, input: z.infer<typeof rackRunInput>, actorId?: string) {
  let slots;
  try {
    slots = expandRackPattern(input.pattern);
  } catch (e) {
    if (e instanceof PatternError) throw new BadRequest(e.message, [{ path: 'body.pattern', message: e.message }], 'invalid-pattern');
    throw e;
  }
  const placed = placeSlots(slots, {
    aisleXMm: input.aisleXMm,
    originYMm: input.originYMm,
    bayWidthMm: input.bayWidthMm,
    levelHeightMm: input.levelHeightMm,
    faceOffsetMm: input.faceOffsetMm,
  });
  const count = await insertLocations(
    tx,
    warehouseId,
    placed.map((s) => ({
      ...s, // code, aisle/bay/level/position and the placed coordinates
      type: input.type,
      zoneId: input.zoneId ?? null,
      maxVolumeMm3: input.maxVolumeMm3 ?? null,
      maxWeightG: input.maxWeightG ?? null,
      maxSkus: input.maxSkus ?? null,
      mixedLots: input.mixedLots,
    })),
  );
  await emit(tx, { type: 'layout.locations_created', warehouseId, actorId, payload: { count, pattern: input.pattern } });
  return { count, first: placed[0]!.code, last: placed[placed.length - 1]!.code };
}

export async function getLocation(em: EntityManager, warehouseId: string, idOrCode: string): Promise<LocationView> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
  const r = await em.findOne(
    Location,
    isUuid ? { warehouse_id: warehouseId, id: idOrCode } : { warehouse_id: warehouseId, code: idOrCode },
    {
      disableIdentityMap: true,
    },
  );
  if (!r) throw new NotFound('Location', idOrCode);
  return toLocationView(r);
}

/** Locations of a warehouse in code order, filtered by type / zone / aisle / code prefix. */
export async function listLocations(
  em: EntityManager,
  f: { warehouseId: string; type?: string; zoneId?: string; aisle?: string; prefix?: string; cursor?: string; limit: number },
) {
  const after = byCode.after(f.cursor);
  const where: FilterQuery<Location> = { warehouse_id: f.warehouseId };
  if (f.type != null) where.type = f.type as Location['type'];
  if (f.zoneId != null) where.zone_id = f.zoneId;
  if (f.aisle != null) where.aisle = f.aisle;
  const codeRange: { $like?: string; $gt?: string } = {};
  if (f.prefix != null) codeRange.$like = `${f.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  if (after) codeRange.$gt = after[0];
  if (codeRange.$like !== undefined || codeRange.$gt !== undefined) where.code = codeRange;
  const rows = await em.find(Location, where, { orderBy: { code: 'asc' }, limit: f.limit + 1, disableIdentityMap: true });
  const p = byCode.page(rows, f.limit, (r) => [r.code]);
  return { items: p.items.map(toLocationView), nextCursor: p.nextCursor };
}
