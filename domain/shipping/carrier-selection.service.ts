import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { logOrder } from '../orders/order-log.js';
import { NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { postalCentroid } from './postal-centroids.js';
import { quoteRates, shippingSettings } from './quote.service.js';
import type { ShippingExceptionRow } from './entities/shipping-exception.entity.js';
import type { ShipmentRow } from './entities/shipment.entity.js';
import type { ConsignmentRow } from './entities/consignment.entity.js';
import type { SalesOrderRow } from '../orders/entities/sales-order.entity.js';

type Row = Record<string, any> & { id: string; warehouse_id: string };

export interface SelectionResult {
  shipmentIds: string[];
  carrier: string;
  service: string;
  deliveryMode: string;
  late: boolean;
  reason: string;
  /** Set when several orders travel as one consignment. */
  consignmentId: string | null;
}
export type SelectCarrierRow = Pick<ShipmentRow, 'warehouse_id'> & { key: string };

/**
 * Chooses carrier and service for a packed shipment together with the cartons that travel with it, as one
 * consignment (one multi-parcel quote, one decision):
 * - its order's other unassigned cartons;
 * - consolidation: packed, undecided cartons of other orders for the same consignee at the same address
 *   (`ship_to_key`), when the warehouse consolidates, neither order is tagged `ship-alone`, and both are perishable or
 *   both are not (a cold-chain consignment carries no ambient goods, and the reverse); at most 50 parcels.
 * Rules: the ship-to decides the zone; the storefront's coordinates (else a postal centroid) decide whether the own
 * fleet can take it (inside a delivery area with room on the delivery day); perishable lines (chilled/frozen SKUs) only
 * go with cold-chain services within the warehouse's perishable transit limit; a consignment worth at least the
 * high-value threshold only with services whose cover reaches its value; cheapest meeting the earliest promise date
 * of its orders (a carrier whose scorecard is below the warehouse's on-time bar counts one day late), else fastest
 * with the orders flagged late. Delivery mode: own fleet, 3PL, consolidation (freight, or several orders), else parcel.
 * The decision, its alternatives and the reason are stored on each carton and, for consolidated orders, as a
 * consignment; own-fleet cartons get their coordinates and delivery date (that day's route planning, no hand step).
 * Idempotent: a shipment that already has a decision is returned as is. Two selections for the same address are
 * serialised (advisory lock on the address key), so orders never consolidate crosswise.
 */
export async function selectCarrier(em: EntityManager, shipmentId: string, now: Date): Promise<SelectionResult | null> {
  const head = await sqlOne<SelectCarrierRow>(
    em,
    `select s.warehouse_id, ship_to_key(coalesce(o.ship_to, s.ship_to)) as key from shipment s left join sales_order o on o.id = s.order_id
    where s.id = ?`,
    [shipmentId],
  );
  if (!head) throw new NotFound('Shipment', shipmentId);
  await sql(em, 'select pg_advisory_xact_lock(hashtext(?))', [`consolidate:${head.warehouse_id}:${head.key}`]);
  const s = (await sqlOne<Row>(em, 'select * from shipment where id = ? for update', [shipmentId]))!;
  if (s.selection)
    return {
      shipmentIds: [s.id],
      carrier: s.carrier_code,
      service: s.service_code,
      deliveryMode: s.delivery_mode,
      late: s.late_risk,
      reason: s.selection.reason,
      consignmentId: s.consignment_id ?? null,
    };
  if (!['created', 'packed'].includes(s.status)) return null;
  const orderCols = `id, ship_to, to_char(promise_date, 'YYYY-MM-DD') as promise_day, total_minor, tags`;
  const order = s.order_id ? await sqlOne<Row>(em, `select ${orderCols} from sales_order where id = ?`, [s.order_id]) : undefined;
  const settings = await shippingSettings(em, s.warehouse_id);
  const isPerishable = async (orderId: string) =>
    !!(await sqlOne(
      em,
      `select 1 from order_line l join sku k on k.id = l.sku_id where l.order_id = ? and k.storage_condition in ('chilled', 'frozen') limit 1`,
      [orderId],
    ));
  const perishable = order ? await isPerishable(order.id) : false;
  const orders: Row[] = order ? [order] : [];
  const notes: string[] = [];
  if (order && settings.consolidateOrders && !(order.tags ?? []).includes('ship-alone')) {
    const others = await sql<Row>(
      em,
      `select o.id, o.ship_to, to_char(o.promise_date, 'YYYY-MM-DD') as promise_day, o.total_minor, o.tags from sales_order o
      where o.id <> ? and not ('ship-alone' = any(o.tags)) and ship_to_key(o.ship_to) = ship_to_key(?::jsonb)
        and exists (select 1 from shipment x where x.order_id = o.id and x.warehouse_id = ? and x.status = 'packed' and x.selection is null)
      order by o.id`,
      [order.id, JSON.stringify(order.ship_to ?? {}), s.warehouse_id],
    );
    for (const o of others) {
      if ((await isPerishable(o.id)) !== perishable) {
        notes.push(`order ${o.id} at the same address not consolidated: ${perishable ? 'ambient' : 'perishable'} goods travel apart`);
        continue;
      }
      orders.push(o);
    }
  }
  const candidates = order
    ? await sql<Row>(
        em,
        `select * from shipment where ((order_id = ? and status in ('created', 'packed')) or (order_id = any(?::uuid[]) and status = 'packed'))
          and selection is null order by order_id = ? desc, order_id, carton_no nulls last, id for update`,
        [
          order.id,
          `{${orders
            .slice(1)
            .map((o) => o.id)
            .join(',')}}`,
          order.id,
        ],
      )
    : [s];
  // One quote holds at most 50 parcels: whole orders are taken in turn (this order first) until the next would overflow.
  const group: Row[] = [];
  const taken = new Set<string>();
  for (const o of orders) {
    const cartons = candidates.filter((c) => c.order_id === o.id);
    if (group.length + cartons.length > 50 && group.length) {
      notes.push(`order ${o.id} not consolidated: the consignment is full (50 parcels)`);
      continue;
    }
    group.push(...cartons);
    taken.add(o.id);
  }
  if (!order) group.push(...candidates.filter((c) => !group.includes(c)));
  const members = orders.filter((o) => taken.has(o.id));
  const shipTo = (order?.ship_to ?? s.ship_to ?? {}) as Record<string, any>;
  const country = String(shipTo.countryCode ?? '').toUpperCase();
  const postal = String(shipTo.postcode ?? '');
  const value = members.reduce((sum, o) => sum + Number(o.total_minor ?? 0), 0);
  const highValue = value >= settings.highValueMinor;
  const promise = members
    .map((o) => o.promise_day as string | null)
    .filter((d): d is string => !!d)
    .sort()[0];
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
      promiseDate: promise,
      perishable,
      maxTransitDays: perishable ? settings.perishableMaxTransitDays : undefined,
      declaredValueMinor: highValue ? value : undefined,
    },
    now,
  ).catch(async (err: Error) => {
    await raiseException(em, s, 'no-eligible-service', err.message);
    return null;
  });
  if (!q) return null;
  const chosen = q.quotes.find((x) => x.carrier === q.chosen.carrier && x.service === q.chosen.service)!;
  const consolidated = members.length > 1;
  const mode =
    chosen.mode === 'own_fleet'
      ? 'own_fleet'
      : chosen.mode === '3pl'
        ? '3pl'
        : chosen.mode === 'ltl' || consolidated
          ? 'consolidation'
          : 'parcel';
  const reason = [
    q.reason,
    consolidated
      ? `consolidated: ${members.length} orders for the same consignee at the same address, ${group.length} parcel(s) as one consignment`
      : '',
    perishable ? `perishable: cold-chain services within ${settings.perishableMaxTransitDays} day(s) only` : '',
    highValue ? `high value ${value}: covered services only` : '',
    ...notes,
  ]
    .filter(Boolean)
    .join('; ');
  const total = chosen.total.amountMinor;
  // Each carton's share of the consignment's price (the remainder goes to the first ones), for cost per parcel.
  const share = (i: number) => Math.floor(total / group.length) + (i < total % group.length ? 1 : 0);
  const consignment = consolidated
    ? (await sqlOne<Pick<ConsignmentRow, 'id'>>(
        em,
        `insert into consignment (warehouse_id, consolidation_key, delivery_mode, carrier_code, service_code, order_ids, shipment_ids, total_minor, currency, reason)
        values (?, ?, ?, ?, ?, ?::uuid[], ?::uuid[], ?, ?, ?) returning id`,
        [
          s.warehouse_id,
          head.key,
          mode,
          chosen.carrier,
          chosen.service,
          `{${members.map((o) => o.id).join(',')}}`,
          `{${group.map((g) => g.id).join(',')}}`,
          total,
          chosen.total.currency,
          reason,
        ],
      ))!
    : undefined;
  const decision = {
    chosen: q.chosen,
    reason,
    late: q.late,
    decidedAt: now.toISOString(),
    estimatedDelivery: chosen.estimatedDelivery,
    promiseDate: promise ?? null,
    consolidatedWith: group.map((g) => g.id),
    consignment: consignment ? { id: consignment.id, orderIds: members.map((o) => o.id) } : null,
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
  for (const [i, g] of group.entries()) {
    await sql(
      em,
      `update shipment set carrier_code = ?, service_code = ?, delivery_mode = ?, estimated_delivery = ?::date, promise_date = ?::date,
        late_risk = ?, selection = ?::jsonb, lat = coalesce(?, lat), lng = coalesce(?, lng), consignment_id = ?,
        quoted_cost_minor = ?, quoted_currency = ?,
        delivery_date = case when ? then ?::date else delivery_date end, updated_at = now() where id = ?`,
      [
        chosen.carrier,
        chosen.service,
        mode,
        chosen.estimatedDelivery,
        promise ?? null,
        q.late,
        JSON.stringify(decision),
        point?.lat ?? null,
        point?.lng ?? null,
        consignment?.id ?? null,
        share(i),
        chosen.total.currency,
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
        reason,
      },
    });
  }
  for (const o of members) {
    const mine = group.filter((g) => g.order_id === o.id);
    await logOrder(em, o.id, {
      category: 'fulfilment',
      action: 'carrier_selected',
      message: `${chosen.carrier} ${chosen.service} (${mode}) for ${mine.length} carton(s): ${reason}`,
      data: { shipmentIds: mine.map((g) => g.id), ...decision.chosen, late: q.late, consignmentId: consignment?.id ?? null },
    });
    if (q.late && !(o.tags ?? []).includes('late-risk'))
      await sql(em, `update sales_order set tags = array_append(tags, 'late-risk'), updated_at = now() where id = ?`, [o.id]);
  }
  return {
    shipmentIds: group.map((g) => g.id),
    carrier: chosen.carrier,
    service: chosen.service,
    deliveryMode: mode,
    late: q.late,
    reason,
    consignmentId: consignment?.id ?? null,
  };
}
export type ConsolidationHoldSRow = Pick<ShipmentRow, 'warehouse_id' | 'packed_at'> & Pick<SalesOrderRow, 'tags'> & { selection: unknown };

/**
 * Seconds a packed carton should still wait for its carrier decision so that other orders for the same consignee
 * can join its consignment: the warehouse's consolidation window from the moment it was packed, for an undecided
 * carton of an order that may consolidate; 0 = decide now.
 */
export async function consolidationHoldS(em: EntityManager, shipmentId: string, now: Date): Promise<number> {
  const s = await sqlOne<ConsolidationHoldSRow>(
    em,
    `select s.warehouse_id, s.packed_at, s.selection, o.tags from shipment s join sales_order o on o.id = s.order_id where s.id = ?`,
    [shipmentId],
  );
  if (!s || s.selection || !s.packed_at || (s.tags ?? []).includes('ship-alone')) return 0;
  const settings = await shippingSettings(em, s.warehouse_id);
  if (!settings.consolidateOrders || settings.consolidationWindowS <= 0) return 0;
  const left = new Date(s.packed_at).getTime() + settings.consolidationWindowS * 1000 - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** Opens a shipping exception (one open per shipment and kind) and tells the warehouse room. */
export async function raiseException(
  em: EntityManager,
  s: { id: string; warehouse_id: string },
  kind: string,
  message: string,
): Promise<boolean> {
  const r = await sqlOne<Pick<ShippingExceptionRow, 'id'>>(
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
