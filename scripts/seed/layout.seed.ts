/**
 * Demo layout of DEMO_WAREHOUSE_ID: a realistic single-block DC. Receiving docks and staging at the
 * front (y = 0 side), six parallel ambient aisles A–F (pick faces on levels 01–02, reserve above on
 * 03–04, two rack faces per aisle), one chilled aisle K, pack stations and shipping docks at the
 * front right, quarantine and returns cages. Plan coordinates in mm suit pick-path sequencing
 * (aisles run along y; odd bays on the left face, even on the right).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { createZone, insertLocations, type LocationInput } from '../../domain/layout/location.service.js';
import { expandRackPattern, placeSlots } from '../../domain/layout/rack-pattern.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';

export const DEMO_AISLES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
const AISLE_PITCH_MM = 3_600;
const FIRST_AISLE_X_MM = 6_000;
const RACK_START_Y_MM = 8_000; // front cross aisle runs along y = 6 m
const BAY_WIDTH_MM = 1_350;

export async function seedLayout(em: EntityManager): Promise<boolean> {
  if (await sqlOne(em, 'select 1 from location where warehouse_id = ? and code = ?', [DEMO_WAREHOUSE_ID, 'RCV-01'])) return false;
  const wh = DEMO_WAREHOUSE_ID;
  const zone = async (code: string, name: string, temperatureClass: 'ambient' | 'chilled' | 'frozen' = 'ambient') =>
    (await createZone(em, wh, { code, name, temperatureClass })).id;
  const z = {
    rcv: await zone('RCV', 'Receiving'),
    pick: await zone('PICK', 'Ambient pick'),
    rsv: await zone('RSV', 'Ambient reserve'),
    chl: await zone('CHL', 'Chilled', 'chilled'),
    pack: await zone('PACK', 'Packing'),
    ship: await zone('SHIP', 'Shipping'),
    qa: await zone('QA', 'Quarantine and returns'),
  };
  const locs: LocationInput[] = [];
  const flat = (code: string, type: LocationInput['type'], zoneId: string, xMm: number, yMm: number) =>
    locs.push({ code, type, zoneId, xMm, yMm, zMm: 0, mixedLots: true, aisle: null, bay: null, level: null, position: null });
  for (let i = 1; i <= 4; i++) flat(`RCV-0${i}`, 'dock', z.rcv, i * 4_000, 0);
  for (let i = 1; i <= 4; i++) flat(`STG-0${i}`, 'staging', z.rcv, i * 4_000, 3_000);
  for (let i = 1; i <= 6; i++) flat(`PACK-0${i}`, 'pack', z.pack, 32_000 + i * 2_500, 3_000);
  for (let i = 1; i <= 4; i++) flat(`SHIP-0${i}`, 'ship', z.ship, 32_000 + i * 4_000, 0);
  flat('QA-01', 'quarantine', z.qa, 2_000, 25_000);
  flat('RET-01', 'returns', z.qa, 2_000, 22_000);

  let seq = 0;
  const rack = (aisle: string, aisleIndex: number, bays: number, levels: number, pickZone: string, reserveZone: string | null) => {
    const slots = placeSlots(expandRackPattern(`${aisle}-01..${String(bays).padStart(2, '0')}-01..${String(levels).padStart(2, '0')}-01`), {
      aisleXMm: FIRST_AISLE_X_MM + aisleIndex * AISLE_PITCH_MM,
      originYMm: RACK_START_Y_MM,
      bayWidthMm: BAY_WIDTH_MM,
      levelHeightMm: 1_200,
      faceOffsetMm: 1_100,
    });
    // Serpentine pick sequence: up odd aisles, down even ones (S-shape routing order).
    const ordered = [...slots].sort(
      (a, b) => (aisleIndex % 2 === 0 ? a.yMm - b.yMm : b.yMm - a.yMm) || a.xMm - b.xMm || (a.level ?? 0) - (b.level ?? 0),
    );
    for (const s of ordered) {
      const pick = (s.level ?? 1) <= 2 || !reserveZone;
      locs.push({
        ...s, // code, aisle/bay/level/position and the placed coordinates
        type: pick ? 'pick_face' : 'reserve',
        zoneId: pick ? pickZone : reserveZone!,
        pickSequence: pick ? ++seq : null,
        maxVolumeMm3: pick ? 600 * 1_000 * 800 : 1_200 * 1_000 * 1_500,
        maxWeightG: pick ? 250_000 : 1_000_000,
        // The chilled aisle has no reserve: its shelves share two SKUs each (33 chilled SKUs, 20 shelves).
        maxSkus: pick ? (reserveZone ? 1 : 2) : 4,
        mixedLots: !pick || !reserveZone,
      } as LocationInput);
    }
  };
  DEMO_AISLES.forEach((a, i) => rack(a, i, 20, 4, z.pick, z.rsv));
  rack('K', DEMO_AISLES.length, 10, 2, z.chl, null);
  await insertLocations(em, wh, locs);
  return true;
}
