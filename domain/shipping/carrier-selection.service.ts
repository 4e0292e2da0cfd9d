import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { logOrder } from '../orders/order-log.js';
import { NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { postalCentroid } from './postal-centroids.js';
import { quoteRates, shippingSettings } from './quote.service.js';

type Row = Record<string, any> & { id: string; warehouse_id: string };

const MODE_OF: Record<string, string> = { own_fleet: 'own_fleet', parcel: 'parcel', ltl: 'consolidation', '3pl': '3pl' };

export interface SelectionResult {
  shipmentIds: string[];
  carrier: string;
  service: string;
  deliveryMode: string;
  late: boolean;
  reason: string;
}

/**
 * Chooses carrier and service for a packed shipment together with its order's other unassigned cartons
 * (one multi-parcel quote: they travel as one consignment). Rules:
 * - the order's ship-to decides the zone; the storefront's coordinates (else a postal centroid) decide whether the
 *   own fleet can take it (inside a delivery area with room on the delivery day);
 * - perishable lines (chilled/frozen SKUs) only go with cold-chain services; an order worth at least the warehouse's
 *   high-value threshold only with services whose cover reaches its value;
 * - cheapest meeting the order's promise date, else fastest with the order flagged late.
 * The decision, its alternatives and the reason are stored on each shipment; own-fleet shipments get their
 * coordinates and delivery date, which puts them in that day's route planning with no hand step.
 * Idempotent: a shipment that already has a decision is returned as is.
 */
export async function selectCarrier(em: EntityManager, shipmentId: string, now: Date): Promise<SelectionResult | null> {
  const s = await sqlOne<Row>(em, 'select * from shipment where id = ? for update', [shipmentId]);
  if (!s) throw new NotFound('Shipment', shipmentId);
  if (s.selection)
    return {
      shipmentIds: [s.id],
      carrier: s.carrier_code,
      service: s.service_code,
      deliveryMode: s.delivery_mode,
      late: s.late_risk,
      reason: s.selection.reason,
    };
  if (!['created', 'packed'].includes(s.status)) return null;
  const order = s.order_id
    ? await sqlOne<Row>(
        em,
        `select id, ship_to, to_char(promise_date, 'YYYY-MM-DD') as promise_day, total_minor, tags from sales_order where id = ?`,
        [s.order_id],
      )
    : undefined;
  const group = s.order_id
    ? await sql<Row>(
        em,
        `select * from shipment where order_id = ? and status in ('created', 'packed') and selection is null order by carton_no nulls last, id for update`,
        [s.order_id],
      )
    : [s];
  const shipTo = (order?.ship_to ?? s.ship_to ?? {}) as Record<string, any>;
  const country = String(shipTo.countryCode ?? '').toUpperCase();
  const postal = String(shipTo.postcode ?? '');
  const perishable = order
    ? !!(await sqlOne(
        em,
        `select 1 from order_line l join sku k on k.id = l.sku_id where l.order_id = ? and k.storage_condition in ('chilled', 'frozen') limit 1`,
        [order.id],
      ))
    : false;
  const settings = await shippingSettings(em, s.warehouse_id);
  const value = Number(order?.total_minor ?? 0);
  const highValue = value >= settings.highValueMinor;
  const point =
    typeof shipTo.lat === 'number' && typeof shipTo.lng === 'number'
      ? { lat: shipTo.lat, lng: shipTo.lng }
      : s.lat != null && s.lng != null
        ? { lat: Number(s.lat), lng: Number(s.lng) }
        : /^[A-Z]{2}$/.test(country)
          ? postalCentroid(country, postal)
          : undefined;
  if (!/^[A-Z]{2}$/.test(country) || !postal) {
    await raiseException(em, s, 'address-incomplete', 'The ship-to address has no country or postal code: no carrier can be chosen');
    return null;
  }
  const q = await quoteRates(
    em,
    {
      warehouseId: s.warehouse_id,
      destination: { postalCode: postal, country, residential: !shipTo.company, ...(point ?? {}) },
      parcels: group.map((g) => ({
        lengthMm: Math.max(1, g.length_mm),
        widthMm: Math.max(1, g.width_mm),
        heightMm: Math.max(1, g.height_mm),
        weightG: Math.max(1, g.weight_g),
      })),
      promiseDate: order?.promise_day ?? undefined,
      perishable,
      declaredValueMinor: highValue ? value : undefined,
    },
    now,
  ).catch(async (err: Error) => {
    await raiseException(em, s, 'no-eligible-service', err.message);
    return null;
  });
  if (!q) return null;
  const chosen = q.quotes.find((x) => x.carrier === q.chosen.carrier && x.service === q.chosen.service)!;
  const mode = MODE_OF[chosen.mode] ?? 'parcel';
  const decision = {
    chosen: q.chosen,
    reason:
      q.reason +
      (perishable ? '; perishable: cold-chain services only' : '') +
      (highValue ? `; high value ${value}: covered services only` : ''),
    late: q.late,
    decidedAt: now.toISOString(),
    consolidatedWith: group.map((g) => g.id),
    alternatives: q.quotes.map((x) => ({
      carrier: x.carrier,
      service: x.service,
      totalMinor: x.total.amountMinor,
      currency: x.total.currency,
      estimatedDelivery: x.estimatedDelivery,
      meetsPromise: x.meetsPromise,
    })),
    ineligible: q.ineligible,
  };
  for (const g of group) {
    await sql(
      em,
      `update shipment set carrier_code = ?, service_code = ?, delivery_mode = ?, estimated_delivery = ?::date, promise_date = ?::date,
        late_risk = ?, selection = ?::jsonb, lat = coalesce(?, lat), lng = coalesce(?, lng),
        delivery_date = case when ? then ?::date else delivery_date end, updated_at = now() where id = ?`,
      [
        chosen.carrier,
        chosen.service,
        mode,
        chosen.estimatedDelivery,
        order?.promise_day ?? null,
        q.late,
        JSON.stringify(decision),
        point?.lat ?? null,
        point?.lng ?? null,
        mode === 'own_fleet',
        chosen.estimatedDelivery,
        g.id,
      ],
    );
    await emit(em, {
      type: 'shipment.carrier_selected',
      warehouseId: g.warehouse_id,
      rooms: [`shipment:${g.id}`],
      payload: {
        shipmentId: g.id,
        orderId: g.order_id,
        carrierCode: chosen.carrier,
        serviceCode: chosen.service,
        deliveryMode: mode,
        estimatedDelivery: chosen.estimatedDelivery,
        late: q.late,
        reason: decision.reason,
      },
    });
  }
  if (order) {
    await logOrder(em, order.id, {
      category: 'fulfilment',
      action: 'carrier_selected',
      message: `${chosen.carrier} ${chosen.service} (${mode}) for ${group.length} carton(s): ${decision.reason}`,
      data: { shipmentIds: group.map((g) => g.id), ...decision.chosen, late: q.late },
    });
    if (q.late && !(order.tags ?? []).includes('late-risk'))
      await sql(em, `update sales_order set tags = array_append(tags, 'late-risk'), updated_at = now() where id = ?`, [order.id]);
  }
  return {
    shipmentIds: group.map((g) => g.id),
    carrier: chosen.carrier,
    service: chosen.service,
    deliveryMode: mode,
    late: q.late,
    reason: decision.reason,
  };
}

/** Opens a shipping exception (one open per shipment and kind) and tells the warehouse room. */
export async function raiseException(
  em: EntityManager,
  s: { id: string; warehouse_id: string },
  kind: string,
  message: string,
): Promise<boolean> {
  const r = await sqlOne<{ id: string }>(
    em,
    `insert into shipping_exception (warehouse_id, shipment_id, kind, message) values (?, ?, ?, ?)
    on conflict (shipment_id, kind) where resolved_at is null do nothing returning id`,
    [s.warehouse_id, s.id, kind, message],
  );
  if (r)
    await emit(em, {
      type: 'shipment.exception_raised',
      warehouseId: s.warehouse_id,
      rooms: [`shipment:${s.id}`],
      payload: { shipmentId: s.id, kind, message },
    });
  return !!r;
}
