import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addRateCard, importZoneChart, upsertCarrier, type CarrierInput } from '../../domain/shipping/carrier.service.js';
import type { RateCardInput } from '../../domain/shipping/rate-card.schemas.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { createLpn } from '../../domain/inventory/lpn.service.js';
import { OUTBOUND_CODE, floorLocation } from '../../domain/picking/floor-locations.js';
import type { IdRow } from '../../domain/shared/rows.js';

/**
 * Demo carriers for a warehouse near Amsterdam (EUR, metric): the own fleet, a national parcel carrier, an express
 * integrator, a pallet/consolidation line and a 3PL partner for cross-border regional parcels (handed over at the dock
 * against a manifest signed by its driver). Names and prices are invented for the demo; the rules
 * (5000 cm³/kg divisor, 0.5 kg steps, dimensions rounded up, fuel on base + surcharges) follow the carriers' published
 * practice noted in docs. The zone chart is imported from CSV, as an operator would.
 */
const ZONE_CSV = fileURLToPath(new URL('./data/zone-chart.eu-demo.csv', import.meta.url));
const DEMO_HOLIDAYS = ['2026-12-25', '2026-12-26', '2027-01-01', '2027-04-27'];

export const DEMO_CARRIERS: CarrierInput[] = [
  {
    code: 'own-fleet',
    name: 'Dockside Fleet',
    mode: 'own_fleet',
    trackingPrefix: 'DF',
    holidays: DEMO_HOLIDAYS,
    services: [
      {
        code: 'next-day',
        name: 'Own fleet, next day',
        defaultTransitDays: 1,
        cutoffLocal: '20:00',
        timeZone: 'Europe/Amsterdam',
        deliveryWeekdays: [1, 2, 3, 4, 5, 6],
        perishableOk: true,
      },
    ],
  },
  {
    code: 'polderpost',
    name: 'PolderPost',
    mode: 'parcel',
    trackingPrefix: 'PP',
    trackingUrlTemplate: 'https://track.polderpost.example/{tracking}',
    holidays: DEMO_HOLIDAYS,
    services: [
      {
        code: 'standard',
        name: 'Parcel standard',
        transitDaysByZone: { '1': 1, '2': 2, '3': 3 },
        cutoffLocal: '17:00',
        timeZone: 'Europe/Amsterdam',
        maxDeclaredValueMinor: 50000,
      },
    ],
  },
  {
    code: 'swiftair',
    name: 'SwiftAir Express',
    mode: 'parcel',
    trackingPrefix: 'SA',
    trackingUrlTemplate: 'https://swiftair.example/track?awb={tracking}',
    holidays: ['2026-12-25', '2027-01-01'],
    services: [
      {
        code: 'express',
        name: 'Express before 12:00',
        defaultTransitDays: 1,
        cutoffLocal: '18:30',
        timeZone: 'Europe/Amsterdam',
        deliveryWeekdays: [1, 2, 3, 4, 5, 6],
        perishableOk: true,
        maxDeclaredValueMinor: 500000,
      },
    ],
  },
  {
    code: 'lowland-freight',
    name: 'Lowland Freight (pallets, consolidation)',
    mode: 'ltl',
    trackingPrefix: 'LF',
    holidays: DEMO_HOLIDAYS,
    services: [
      {
        code: 'pallet',
        name: 'Groupage pallet',
        transitDaysByZone: { '1': 2, '2': 3, '3': 4 },
        cutoffLocal: '14:00',
        timeZone: 'Europe/Amsterdam',
      },
    ],
  },
  {
    code: 'rhine-3pl',
    name: 'Rhine Fulfilment Partners (3PL)',
    mode: '3pl',
    trackingPrefix: 'RF',
    trackingUrlTemplate: 'https://track.rhine-3pl.example/{tracking}',
    holidays: DEMO_HOLIDAYS,
    services: [
      {
        // A partner that collects at our dock each afternoon and delivers from its hubs in Belgium, Luxembourg and Germany.
        code: 'regional',
        name: 'Cross-border regional delivery',
        transitDaysByZone: { '2': 2 },
        cutoffLocal: '15:00',
        timeZone: 'Europe/Amsterdam',
        maxDeclaredValueMinor: 150000,
      },
    ],
  },
];

const metric = { units: 'metric' as const, dim: { divisor: 5000, lengthRounding: 'up' as const }, weightIncrement: 0.5 };

export const DEMO_CARDS: { carrier: string; service: string; body: RateCardInput }[] = [
  {
    carrier: 'own-fleet',
    service: 'next-day',
    body: {
      ...metric,
      zoneChart: null,
      breaks: {
        local: [
          { upTo: 10, priceMinor: 450 },
          { upTo: 30, priceMinor: 650 },
          { upTo: 70, priceMinor: 1200 },
        ],
      },
      surcharges: { fuelPct: 0 },
      limits: { maxWeight: 70, maxLength: 200, maxLengthGirth: 400 },
    },
  },
  {
    carrier: 'polderpost',
    service: 'standard',
    body: {
      ...metric,
      zoneChart: 'EU-DEMO',
      breaks: {
        '1': [
          { upTo: 2, priceMinor: 495 },
          { upTo: 5, priceMinor: 695 },
          { upTo: 10, priceMinor: 895 },
          { upTo: 23, priceMinor: 1395 },
          { upTo: 31.5, priceMinor: 1995 },
        ],
        '2': [
          { upTo: 2, priceMinor: 995 },
          { upTo: 5, priceMinor: 1295 },
          { upTo: 10, priceMinor: 1595 },
          { upTo: 23, priceMinor: 2195 },
          { upTo: 31.5, priceMinor: 2995 },
        ],
        '3': [
          { upTo: 2, priceMinor: 1495 },
          { upTo: 5, priceMinor: 1795 },
          { upTo: 10, priceMinor: 2295 },
          { upTo: 23, priceMinor: 2995 },
          { upTo: 31.5, priceMinor: 3995 },
        ],
      },
      surcharges: {
        fuelPct: 8.5,
        residentialMinor: 0,
        deliveryArea: [
          {
            kind: 'remote',
            prefixes: ['NL1791', 'NL1792', 'NL1793', 'NL1794', 'NL1795', 'NL1796', 'NL1797', 'NL888', 'NL889'],
            amountMinor: 350,
          },
        ],
        additionalHandling: { amountMinor: 1500, weightOver: 23, longestSideOver: 120, lengthGirthOver: 240 },
        largePackage: { amountMinor: 4500, lengthGirthOver: 300, minBillableWeight: 31.5 },
      },
      limits: { maxWeight: 31.5, maxLength: 175, maxLengthGirth: 360 },
    },
  },
  {
    carrier: 'swiftair',
    service: 'express',
    body: {
      ...metric,
      zoneChart: 'EU-DEMO',
      breaks: {
        '1': [
          { upTo: 0.5, priceMinor: 1450 },
          { upTo: 2, priceMinor: 1890 },
          { upTo: 5, priceMinor: 2490 },
          { upTo: 10, priceMinor: 3290 },
          { upTo: 30, priceMinor: 5490 },
          { upTo: 70, priceMinor: 9990 },
        ],
        '2': [
          { upTo: 0.5, priceMinor: 2250 },
          { upTo: 2, priceMinor: 2790 },
          { upTo: 5, priceMinor: 3490 },
          { upTo: 10, priceMinor: 4490 },
          { upTo: 30, priceMinor: 7490 },
          { upTo: 70, priceMinor: 12990 },
        ],
        '3': [
          { upTo: 0.5, priceMinor: 2950 },
          { upTo: 2, priceMinor: 3590 },
          { upTo: 5, priceMinor: 4490 },
          { upTo: 10, priceMinor: 5690 },
          { upTo: 30, priceMinor: 8990 },
          { upTo: 70, priceMinor: 15990 },
        ],
      },
      surcharges: {
        fuelPct: 24.5,
        residentialMinor: 150,
        deliveryArea: [
          {
            kind: 'remote',
            prefixes: ['NL1791', 'NL1792', 'NL1793', 'NL1794', 'NL1795', 'NL1796', 'NL1797', 'NL888', 'NL889'],
            amountMinor: 2200,
          },
        ],
        additionalHandling: { amountMinor: 2000, weightOver: 25, longestSideOver: 100 },
      },
      limits: { maxWeight: 70, maxLength: 120, maxLengthGirth: 300 },
    },
  },
  {
    carrier: 'lowland-freight',
    service: 'pallet',
    body: {
      units: 'metric',
      // Groupage freight is billed on 333 kg per m³ (3000 cm³/kg), whole kilograms.
      dim: { divisor: 3000, lengthRounding: 'up' },
      weightIncrement: 1,
      zoneChart: 'EU-DEMO',
      breaks: {
        '1': [
          { upTo: 100, priceMinor: 6500 },
          { upTo: 300, priceMinor: 9500 },
          { upTo: 1000, priceMinor: 16500 },
        ],
        '2': [
          { upTo: 100, priceMinor: 8900 },
          { upTo: 300, priceMinor: 12900 },
          { upTo: 1000, priceMinor: 21900 },
        ],
        '3': [
          { upTo: 100, priceMinor: 11900 },
          { upTo: 300, priceMinor: 16900 },
          { upTo: 1000, priceMinor: 28900 },
        ],
      },
      surcharges: { fuelPct: 12 },
      limits: { maxWeight: 1000, maxLength: 240, maxLengthGirth: 800 },
    },
  },
  {
    carrier: 'rhine-3pl',
    service: 'regional',
    body: {
      ...metric,
      zoneChart: 'EU-DEMO',
      // Zone 2 only (BE, LU, DE): elsewhere the 3PL has no card line, so it is not offered.
      breaks: {
        '2': [
          { upTo: 5, priceMinor: 1150 },
          { upTo: 10, priceMinor: 1350 },
          { upTo: 20, priceMinor: 1650 },
          { upTo: 31.5, priceMinor: 2100 },
        ],
      },
      surcharges: { fuelPct: 6 },
      limits: { maxWeight: 31.5, maxLength: 150, maxLengthGirth: 300 },
    },
  },
];

/** Demo carriers, cards, zone chart, delivery area and shipping settings for one warehouse; idempotent. */
export async function seedShipping(em: EntityManager, warehouseId: string, opts: { effectiveFrom?: string } = {}): Promise<boolean> {
  const fresh = !(await sqlOne(em, `select 1 from carrier where code = 'polderpost'`));
  if (fresh) await importZoneChart(em, 'EU-DEMO', createReadStream(ZONE_CSV));
  // Each demo carrier missing from the database (a new one in an older demo database too) comes with its card.
  for (const c of DEMO_CARRIERS) {
    if (await sqlOne(em, 'select 1 from carrier where code = ?', [c.code])) continue;
    await upsertCarrier(em, c);
    for (const card of DEMO_CARDS.filter((d) => d.carrier === c.code))
      await addRateCard(em, {
        carrier: card.carrier,
        service: card.service,
        effectiveFrom: opts.effectiveFrom ?? '2026-01-01',
        currency: 'EUR',
        body: card.body,
      });
  }
  await sql(
    em,
    `insert into shipping_settings (warehouse_id, gs1_company_prefix, sscc_extension, origin_postal_code, origin_country, ship_from)
    values (?, '0614141', 0, '1043 AP', 'NL', ?::jsonb) on conflict (warehouse_id) do nothing`,
    [
      warehouseId,
      JSON.stringify({
        name: 'Dockside Demo DC',
        address1: 'Transformatorweg 1',
        city: 'Amsterdam',
        postcode: '1043 AP',
        countryCode: 'NL',
      }),
    ],
  );
  await sql(
    em,
    `insert into delivery_area (warehouse_id, name, center_lat, center_lng, radius_m, max_stops_per_day) values (?, 'Amsterdam', 52.3676, 4.9041, 12000, 400)
    on conflict (warehouse_id, name) do nothing`,
    [warehouseId],
  );
  return fresh;
}

const DEMO_PARCELS: { shipTo: Record<string, unknown>; dims: [number, number, number]; weightG: number }[] = [
  {
    shipTo: {
      name: 'Anna de Vries',
      address1: 'Keizersgracht 120',
      city: 'Amsterdam',
      postcode: '1015 CJ',
      countryCode: 'NL',
      lat: 52.3752,
      lng: 4.8846,
    },
    dims: [300, 200, 150],
    weightG: 1400,
  },
  {
    shipTo: { name: 'Jürgen Müller', address1: 'Coolsingel 40', city: 'Rotterdam', postcode: '3011 AD', countryCode: 'NL' },
    dims: [400, 300, 200],
    weightG: 3200,
  },
  {
    shipTo: { name: 'Zoë Ørsted', company: 'Ørsted & Co', address1: 'Meir 1', city: 'Antwerpen', postcode: '2000', countryCode: 'BE' },
    dims: [250, 200, 100],
    weightG: 800,
  },
  {
    shipTo: { name: 'Lena Schmidt', address1: 'Hohe Straße 5', city: 'Köln', postcode: '50667', countryCode: 'DE' },
    dims: [600, 400, 400],
    weightG: 9500,
  },
  {
    shipTo: { name: 'Piet Visser', address1: 'Dorpsstraat 3', city: 'Den Burg', postcode: '1791 AB', countryCode: 'NL' },
    dims: [300, 300, 300],
    weightG: 2100,
  },
  {
    shipTo: { name: 'Marie Dubois', address1: 'Rue de Rivoli 10', city: 'Paris', postcode: '75004', countryCode: 'FR' },
    dims: [200, 150, 100],
    weightG: 600,
  },
];

/**
 * Demo data: carriers and settings for the demo warehouse, and six cartons packed earlier (stock booked into their
 * carton LPNs at OUTBOUND, as a previous shift's pack station left them) so labels and manifests can be tried at once.
 */
export async function seedDemoShipping(em: EntityManager): Promise<boolean> {
  const fresh = await seedShipping(em, DEMO_WAREHOUSE_ID);
  if (await sqlOne(em, `select 1 from shipment where warehouse_id = ? and box_id = 'DEMO'`, [DEMO_WAREHOUSE_ID])) return fresh;
  const sku = await sqlOne<IdRow>(em, 'select id from sku order by code limit 1');
  if (!sku) return fresh;
  const outbound = await floorLocation(em, DEMO_WAREHOUSE_ID, OUTBOUND_CODE);
  for (const [i, p] of DEMO_PARCELS.entries()) {
    const lpn = await createLpn(em, { warehouseId: DEMO_WAREHOUSE_ID, type: 'carton', locationId: outbound });
    await postMovement(em, {
      warehouseId: DEMO_WAREHOUSE_ID,
      type: 'receipt',
      skuId: sku.id,
      qty: 1 + i,
      to: { locationId: outbound, lpnId: lpn.id },
      refType: 'demo',
      refId: 'packed-demo',
    });
    const [l, w, h] = p.dims;
    await sql(
      em,
      `insert into shipment (warehouse_id, status, box_id, weight_g, length_mm, width_mm, height_mm, volume_mm3, ship_to, carton_no, contents, packed_at)
      values (?, 'packed', 'DEMO', ?, ?, ?, ?, ?, ?::jsonb, 1, ?::jsonb, now())`,
      [
        DEMO_WAREHOUSE_ID,
        p.weightG,
        l,
        w,
        h,
        l * w * h,
        JSON.stringify(p.shipTo),
        JSON.stringify([{ skuId: sku.id, qty: 1 + i, lpnId: lpn.id }]),
      ],
    );
  }
  return true;
}
