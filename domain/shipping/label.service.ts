import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { postMovement } from '../inventory/ledger.service.js';
import { logOrder } from '../orders/order-log.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { selectCarrier } from './carrier-selection.service.js';
import { labelZpl, type LabelData } from './label-zpl.js';
import { shippingSettings } from './quote.service.js';
import { buildSscc, trackingNumber } from './sscc.js';
import { localParts } from './transit.js';
import { Carrier } from './entities/carrier.entity.js';
import { Shipment } from './entities/shipment.entity.js';
import { Warehouse } from '../layout/entities/warehouse.entity.js';
import { moveShipment } from './shipment.lifecycle.js';

type Row = Record<string, any>;
type LabelRow = Row & {
  shipment_id: string;
  carrier_code: string;
  service_code: string;
  tracking_number: string;
  sscc: string;
  created_at: Date | string;
};

export interface LabelView {
  id: string;
  shipmentId: string;
  trackingNumber: string;
  sscc: string;
  carrier: string;
  service: string;
  trackingUrl: string | null;
  status: 'active' | 'voided';
  printCount: number;
  createdAt: string;
}

const view = (l: Row, trackingUrlTemplate: string | null): LabelView => ({
  id: l.id,
  shipmentId: l.shipment_id,
  trackingNumber: l.tracking_number,
  sscc: l.sscc,
  carrier: l.carrier_code,
  service: l.service_code,
  trackingUrl: trackingUrlTemplate ? trackingUrlTemplate.replace('{tracking}', encodeURIComponent(l.tracking_number)) : null,
  status: l.status,
  printCount: l.print_count,
  createdAt: new Date(l.created_at).toISOString(),
});

async function lockVisible(em: EntityManager, actor: Actor, shipmentId: string): Promise<Row> {
  const s = await sqlOne<Row>(em, 'select * from shipment where id = ? for update', [shipmentId]);
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Shipment', shipmentId);
  return s;
}

const carrierOf = (em: EntityManager, code: string) =>
  em.findOne(Carrier, { code }, { fields: ['name', 'tracking_prefix', 'tracking_url_template'], disableIdentityMap: true });
export type PurchaseLabelRow = { n: string };

/**
 * Buys the label of a packed shipment (quote and purchase are separate steps: the decision is made first, by
 * the shipping worker or here when missing). The SSCC serial comes from `sscc_serial_seq`, the tracking number
 * from the same serial under the carrier's prefix. Retrying with the same Idempotency-Key returns the same label;
 * a second purchase with another key while a label is active is a 409 (reprint or void it instead).
 * Emits `shipment.labelled` (the storefront hears of it through the fulfilment callbacks).
 */
export async function purchaseLabel(
  em: EntityManager,
  actor: Actor,
  shipmentId: string,
  idempotencyKey: string | undefined,
  now: Date,
): Promise<{ label: LabelView; created: boolean }> {
  let s = await lockVisible(em, actor, shipmentId);
  if (idempotencyKey) {
    const same = await sqlOne<Row>(em, 'select * from shipment_label where shipment_id = ? and idempotency_key = ?', [
      shipmentId,
      idempotencyKey,
    ]);
    if (same) return { label: view(same, (await carrierOf(em, same.carrier_code))?.tracking_url_template ?? null), created: false };
  }
  const active = await sqlOne<Row>(em, `select id, tracking_number from shipment_label where shipment_id = ? and status = 'active'`, [
    shipmentId,
  ]);
  if (active)
    throw new Conflict(`Shipment already has label ${active.tracking_number}: reprint or void it`, 'shipment-already-labelled', {
      labelId: active.id,
      trackingNumber: active.tracking_number,
    });
  if (s.status !== 'packed') throw new Conflict(`A label needs a packed shipment; this one is ${s.status}`, 'shipment-not-packed');
  if (!s.selection) {
    const sel = await selectCarrier(em, shipmentId, now);
    if (!sel) throw new Conflict('No carrier could be chosen for this shipment: see its shipping exceptions', 'no-carrier-selected');
    s = (await sqlOne<Row>(em, 'select * from shipment where id = ?', [shipmentId]))!;
  }
  const carrier = await carrierOf(em, s.carrier_code);
  if (!carrier) throw new Conflict(`Carrier ${s.carrier_code} is not configured`, 'unknown-carrier');
  const settings = await shippingSettings(em, s.warehouse_id);
  const serial = (await sqlOne<PurchaseLabelRow>(em, `select nextval('sscc_serial_seq')::text as n`))!.n;
  const sscc = buildSscc(settings.ssccExtension, settings.gs1CompanyPrefix, BigInt(serial));
  const tracking = trackingNumber(carrier.tracking_prefix, BigInt(serial));
  const data = await labelDataOf(em, {
    shipment_id: shipmentId,
    carrier_code: s.carrier_code,
    service_code: s.service_code,
    tracking_number: tracking,
    sscc,
    created_at: now,
  });
  const label = (await sqlOne<Row>(
    em,
    `insert into shipment_label (shipment_id, idempotency_key, carrier_code, service_code, tracking_number, sscc, zpl, created_by)
    values (?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [shipmentId, idempotencyKey ?? null, s.carrier_code, s.service_code, tracking, sscc, labelZpl(data), actor.id],
  ))!;
  await moveShipment(em, { id: shipmentId, status: s.status as string }, 'labelled', {
    set: `tracking_number = ?, sscc = ?, tracking_status = 'pre_transit', labelled_at = now()`,
    setParams: [tracking, sscc],
  });
  const v = view(label, carrier.tracking_url_template ?? null);
  await emit(em, {
    type: 'shipment.labelled',
    warehouseId: s.warehouse_id,
    rooms: [`shipment:${shipmentId}`],
    actorId: actor.id,
    payload: {
      shipmentId,
      orderId: s.order_id,
      carrierCode: s.carrier_code,
      serviceCode: s.service_code,
      trackingNumber: tracking,
      trackingUrl: v.trackingUrl,
      sscc,
      labelId: label.id,
    },
  });
  return { label: v, created: true };
}
export type LabelDataOfRow = { n: number };
export type LabelDataOfRow2 = { carrier: string; service: string };

/** Everything printed on a label, from the shipment, its order, the carrier and the warehouse's ship-from (one source for ZPL and PDF). */
export async function labelDataOf(
  em: EntityManager,
  l: { shipment_id: string; carrier_code: string; service_code: string; tracking_number: string; sscc: string; created_at: Date | string },
): Promise<LabelData> {
  const s = (await sqlOne<Row>(em, 'select * from shipment where id = ?', [l.shipment_id]))!;
  const order = s.order_id
    ? await sqlOne<Row>(em, 'select external_number, external_id, ship_to from sales_order where id = ?', [s.order_id])
    : undefined;
  const cartons = s.order_id
    ? await sqlOne<LabelDataOfRow>(em, 'select count(*)::int as n from shipment where order_id = ?', [s.order_id])
    : undefined;
  const names = await sqlOne<LabelDataOfRow2>(
    em,
    'select c.name as carrier, s.name as service from carrier_service s join carrier c on c.id = s.carrier_id where c.code = ? and s.code = ?',
    [l.carrier_code, l.service_code],
  );
  const wh = await em.findOne(Warehouse, { id: s.warehouse_id }, { fields: ['timezone', 'name'], disableIdentityMap: true });
  const settings = await shippingSettings(em, s.warehouse_id);
  return {
    shipFrom: { name: wh?.name, ...settings.shipFrom },
    shipTo: { ...(order?.ship_to ?? {}), ...(s.ship_to ?? {}) },
    carrierName: names?.carrier ?? l.carrier_code,
    serviceName: names?.service ?? l.service_code,
    trackingNumber: l.tracking_number,
    sscc: l.sscc,
    weightG: s.weight_g,
    orderRef: order?.external_number ?? order?.external_id ?? s.order_id,
    cartonNo: s.carton_no,
    cartonCount: cartons?.n ?? null,
    shipDate: localParts(new Date(l.created_at), wh?.timezone ?? 'UTC').date,
  };
}

/** The active label (or the last one when all are voided) of a visible shipment. */
export async function getLabel(em: EntityManager, actor: Actor, shipmentId: string): Promise<LabelView & { zpl: string; data: LabelRow }> {
  const s = await em.findOne(Shipment, { id: shipmentId }, { fields: ['warehouse_id'], disableIdentityMap: true });
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Shipment', shipmentId);
  const l = await sqlOne<LabelRow>(
    em,
    `select * from shipment_label where shipment_id = ? order by (status = 'active') desc, created_at desc limit 1`,
    [shipmentId],
  );
  if (!l) throw new NotFound('Label of shipment', shipmentId);
  return { ...view(l, (await carrierOf(em, l.carrier_code))?.tracking_url_template ?? null), zpl: l.zpl, data: l };
}

/** Counts a reprint of the active label (the bytes are the stored ones: a reprint never changes the label). */
export async function reprintLabel(em: EntityManager, actor: Actor, shipmentId: string): Promise<LabelView> {
  await lockVisible(em, actor, shipmentId);
  const l = await sqlOne<Row>(
    em,
    `update shipment_label set print_count = print_count + 1 where shipment_id = ? and status = 'active' returning *`,
    [shipmentId],
  );
  if (!l) throw new NotFound('Active label of shipment', shipmentId);
  return view(l, (await carrierOf(em, l.carrier_code))?.tracking_url_template ?? null);
}

/**
 * Voids the active label before the parcel is manifested: the shipment is packed again (a new purchase gets a new
 * SSCC and tracking number; the voided serial is never reused) and its carrier decision is cleared.
 */
export async function voidLabel(em: EntityManager, actor: Actor, shipmentId: string): Promise<LabelView> {
  const s = await lockVisible(em, actor, shipmentId);
  if (s.manifest_id || !['labelled'].includes(s.status))
    throw new Conflict(`A ${s.manifest_id ? 'manifested' : s.status} shipment's label cannot be voided`, 'shipment-locked');
  const l = await sqlOne<Row>(
    em,
    `update shipment_label set status = 'voided', voided_at = now() where shipment_id = ? and status = 'active' returning *`,
    [shipmentId],
  );
  if (!l) throw new NotFound('Active label of shipment', shipmentId);
  await moveShipment(em, { id: shipmentId, status: s.status as string }, 'packed', {
    set: 'tracking_number = null, sscc = null, tracking_status = null, labelled_at = null',
  });
  await emit(em, {
    type: 'shipment.label_voided',
    warehouseId: s.warehouse_id,
    rooms: [`shipment:${shipmentId}`],
    actorId: actor.id,
    payload: { shipmentId, orderId: s.order_id, labelId: l.id, trackingNumber: l.tracking_number },
  });
  if (s.order_id)
    await logOrder(em, s.order_id, { category: 'fulfilment', action: 'label_voided', message: `Label ${l.tracking_number} voided` });
  return view(l, null);
}

/**
 * The parcel leaves the building (carrier pickup after the manifest, or the own-fleet van departing): everything in its
 * carton LPN leaves stock through `ship` movements to the customer. Idempotent: a shipped shipment is not shipped again.
 */
export async function shipParcel(em: EntityManager, s: Row, opts: { userId?: string; manifestId?: string | null } = {}): Promise<boolean> {
  if (s.shipped_at) return false;
  const lpns = [...new Set(((s.contents ?? []) as { lpnId?: string }[]).map((c) => c.lpnId).filter((x): x is string => !!x))];
  if (lpns.length) {
    const bals = await sql<Row>(
      em,
      `select location_id, sku_id, lpn_id, lot, expiry::text as expiry, on_hand from stock_balance where lpn_id = any(?::uuid[]) and on_hand > 0
      order by sku_id, lot nulls first for update`,
      [`{${lpns.join(',')}}`],
    );
    for (const b of bals)
      await postMovement(em, {
        warehouseId: s.warehouse_id,
        type: 'ship',
        skuId: b.sku_id,
        qty: b.on_hand,
        from: { locationId: b.location_id, lpnId: b.lpn_id, lot: b.lot, expiry: b.expiry },
        userId: opts.userId,
        refType: 'shipment',
        refId: s.id,
      });
  }
  await em.nativeUpdate(Shipment, { id: s.id }, { shipped_at: raw('now()'), updated_at: raw('now()') });
  await emit(em, {
    type: 'shipment.shipped',
    warehouseId: s.warehouse_id,
    rooms: [`shipment:${s.id}`],
    payload: { shipmentId: s.id, orderId: s.order_id, carrierCode: s.carrier_code, manifestId: opts.manifestId ?? null },
  });
  return true;
}
