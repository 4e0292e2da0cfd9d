import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationFailed } from '../shared/errors.js';
import { sqlOne } from '../shared/sql.js';
import { servicesOn, zoneRows, type ServiceRow } from './carrier.service.js';
import { distanceM } from './geo.js';
import type { QuoteView, RateQuoteInput, RateQuoteResponse } from './quote.schemas.js';
import { normalizePostal, rateParcels } from './rating.js';
import { chooseService } from './selection.js';
import { carrierScorecards } from './scorecard.service.js';
import { riskDaysOf } from './scorecard.js';
import { addDays, deliveryDay, localParts, shipDay, shipDayFrom, type ServiceCalendar } from './transit.js';
import { postalCentroid } from './postal-centroids.js';
import { zoneFor } from './zones.js';
import { Warehouse } from '../layout/entities/warehouse.entity.js';
import { ShippingSettings as ShippingSettingsEntity } from './entities/shipping-settings.entity.js';
import { DeliveryArea } from './entities/delivery-area.entity.js';

export interface ShippingSettings {
  gs1CompanyPrefix: string;
  ssccExtension: number;
  originPostalCode: string;
  originCountry: string;
  shipFrom: Record<string, string>;
  highValueMinor: number;
  consolidateOrders: boolean;
  consolidationWindowS: number;
  perishableMaxTransitDays: number;
  minOnTimeRate: number;
  scorecardMinParcels: number;
}

export async function shippingSettings(em: EntityManager, warehouseId: string): Promise<ShippingSettings> {
  const s = await em.findOne(ShippingSettingsEntity, { warehouse_id: warehouseId }, { disableIdentityMap: true });
  return {
    gs1CompanyPrefix: s?.gs1_company_prefix ?? '0614141',
    ssccExtension: s?.sscc_extension ?? 0,
    originPostalCode: s?.origin_postal_code ?? '00000',
    originCountry: String(s?.origin_country ?? 'US').trim(),
    shipFrom: (s?.ship_from ?? {}) as Record<string, string>,
    highValueMinor: Number(s?.high_value_minor ?? 50000),
    consolidateOrders: s?.consolidate_orders ?? true,
    consolidationWindowS: Number(s?.consolidation_window_s ?? 0),
    perishableMaxTransitDays: Number(s?.perishable_max_transit_days ?? 1),
    minOnTimeRate: Number(s?.min_on_time_rate ?? 0.9),
    scorecardMinParcels: Number(s?.scorecard_min_parcels ?? 20),
  };
}

const calendarOf = (s: ServiceRow): ServiceCalendar => ({
  cutoffLocal: s.cutoffLocal,
  timeZone: s.timeZone,
  pickupWeekdays: s.pickupWeekdays,
  deliveryWeekdays: s.deliveryWeekdays,
  holidays: s.holidays,
});

export interface OwnFleetArea {
  id: string;
  name: string;
  hasRoom: boolean;
}
export type OwnFleetAreaRow = { n: number; w: string };

/** The active delivery area around a point with room left on a delivery day (stops and weight already booked). */
export async function ownFleetArea(
  em: EntityManager,
  warehouseId: string,
  point: { lat: number; lng: number },
  day: string,
  addWeightG: number,
): Promise<OwnFleetArea | undefined> {
  const areas = await em.find(
    DeliveryArea,
    { warehouse_id: warehouseId, active: true },
    { orderBy: { radius_m: 'asc' }, disableIdentityMap: true },
  );
  const area = areas.find((a) => distanceM(point, { lat: a.center_lat, lng: a.center_lng }) <= a.radius_m);
  if (!area) return undefined;
  const booked = (await sqlOne<OwnFleetAreaRow>(
    em,
    `select count(*)::int as n, coalesce(sum(weight_g), 0) as w from shipment
    where warehouse_id = ? and carrier_code = 'own-fleet' and delivery_date = ?::date and status <> 'cancelled'`,
    [warehouseId, day],
  ))!;
  const hasRoom =
    booked.n < area.max_stops_per_day && (area.max_weight_g_per_day == null || Number(booked.w) + addWeightG <= area.max_weight_g_per_day);
  return { id: area.id, name: area.name, hasRoom };
}

/**
 * Quotes every eligible service for parcels to a destination, and chooses (pure rule in selection.ts).
 * Ineligible services are listed with why: no card in force, no zone, over limits, no room on the own fleet,
 * not cold-chain capable for perishables, declared value above the service's cover.
 */
export async function quoteRates(em: EntityManager, input: RateQuoteInput, now: Date): Promise<RateQuoteResponse> {
  const settings = await shippingSettings(em, input.warehouseId);
  const wh = await em.findOne(Warehouse, { id: input.warehouseId }, { fields: ['timezone'], disableIdentityMap: true });
  const today = localParts(now, wh?.timezone ?? 'UTC').date;
  const services = await servicesOn(em, input.shipDate ?? today);
  const charts = await zoneRows(em, [...new Set(services.map((s) => s.card?.body.zoneChart).filter((c): c is string => !!c))]);
  const country = input.destination.country.toUpperCase();
  const origin = settings.originCountry + normalizePostal(settings.originPostalCode);
  const dest = country + normalizePostal(input.destination.postalCode);
  const point =
    input.destination.lat !== undefined && input.destination.lng !== undefined
      ? { lat: input.destination.lat, lng: input.destination.lng }
      : postalCentroid(country, input.destination.postalCode);
  const totalWeight = input.parcels.reduce((s, p) => s + p.weightG, 0);
  const quotes: QuoteView[] = [];
  const ineligible: RateQuoteResponse['ineligible'] = [];
  for (const s of services) {
    const no = (reason: string) => ineligible.push({ carrier: s.carrier, service: s.service, reason });
    if (!s.card) {
      no('no rate card in force on the ship date');
      continue;
    }
    if (input.perishable && !s.perishableOk) {
      no('perishable goods need a cold-chain-capable service');
      continue;
    }
    if (input.declaredValueMinor !== undefined && s.maxDeclaredValueMinor !== null && input.declaredValueMinor > s.maxDeclaredValueMinor) {
      no(`declared value above the service's cover of ${s.maxDeclaredValueMinor}`);
      continue;
    }
    const body = s.card.body;
    const zone = body.zoneChart ? zoneFor(charts.get(body.zoneChart) ?? [], origin, dest) : Object.keys(body.breaks)[0];
    if (!zone) {
      no(`no zone from ${origin} to ${dest} in chart ${body.zoneChart}`);
      continue;
    }
    const cal = calendarOf(s);
    const ship = input.shipDate && input.shipDate !== today ? shipDayFrom(input.shipDate, cal) : shipDay(now, cal);
    const transitDays = s.transitDaysByZone[zone] ?? s.defaultTransitDays;
    const eta = deliveryDay(ship, transitDays, cal);
    if (input.maxTransitDays !== undefined && transitDays > input.maxTransitDays) {
      no(`${transitDays} transit day(s): perishable goods may travel at most ${input.maxTransitDays}`);
      continue;
    }
    if (s.mode === 'own_fleet') {
      if (!point) {
        no('no coordinates for the address (none from the storefront, no postal-code centroid)');
        continue;
      }
      const area = await ownFleetArea(em, input.warehouseId, point, eta, totalWeight);
      if (!area) {
        no('the address is outside every delivery area');
        continue;
      }
      if (!area.hasRoom) {
        no(`delivery area ${area.name} is full on ${eta}`);
        continue;
      }
    }
    const r = rateParcels(body, zone, input.parcels, { postalCode: dest, residential: input.destination.residential });
    if (!r.ok) {
      no(r.reason);
      continue;
    }
    quotes.push({
      carrier: s.carrier,
      service: s.service,
      mode: s.mode,
      zone,
      billableWeightG: r.billableWeightG,
      dimWeightG: r.dimWeightG,
      total: { amountMinor: r.totalMinor, currency: s.card.currency },
      lines: r.lines,
      shipDate: ship,
      transitDays,
      estimatedDelivery: eta,
      meetsPromise: input.promiseDate ? eta <= input.promiseDate : null,
      rateCard: { id: s.card.id, version: s.card.version },
      riskDays: 0,
    });
  }
  // The carrier scorecard weighs in when a promise date is at stake: over the last 30 days, a carrier below the
  // warehouse's on-time bar (over enough parcels) is counted a day late.
  if (input.promiseDate && quotes.length) {
    const cards = new Map(
      (
        await carrierScorecards(em, { warehouseId: input.warehouseId, from: new Date(now.getTime() - 30 * 86_400_000), to: now })
      ).carriers.map((c) => [c.carrierCode, c]),
    );
    for (const q of quotes) {
      q.riskDays = riskDaysOf(cards.get(q.carrier), settings.minOnTimeRate, settings.scorecardMinParcels);
      if (q.riskDays) q.meetsPromise = addDays(q.estimatedDelivery, q.riskDays) <= input.promiseDate;
    }
  }
  const choice = chooseService(
    quotes.map((q) => ({ ...q, totalMinor: q.total.amountMinor })),
    input.promiseDate,
  );
  if (!choice)
    throw new ValidationFailed(
      `No service can carry these parcels: ${ineligible.map((i) => `${i.carrier}/${i.service}: ${i.reason}`).join('; ') || 'no carriers configured'}`,
      [{ path: 'body.parcels', message: 'no eligible service' }],
      'no-eligible-service',
    );
  quotes.sort((a, b) => a.total.amountMinor - b.total.amountMinor || a.estimatedDelivery.localeCompare(b.estimatedDelivery));
  return {
    quotes,
    chosen: { carrier: choice.chosen.carrier, service: choice.chosen.service },
    reason: choice.reason,
    late: choice.late,
    ineligible,
  };
}
