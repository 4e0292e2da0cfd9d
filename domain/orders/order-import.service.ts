import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { releaseReservations } from '../inventory/ledger.service.js';
import { sql, sqlOne } from '../shared/sql.js';
import { cancelOrderTx } from './cancellation.js';
import type { ConnectorRow } from './connector.service.js';
import type { NormalizedOrder } from './normalize/normalized-order.js';
import { logOrder } from './order-log.js';
import { resolveSkus, unmappedReason } from './sku-resolution.js';
import { moveOrder, moveOrders } from './order-status.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { OrderLineRow } from './entities/order-line.entity.js';

export type ImportSource = 'shopify' | 'woocommerce' | 'api' | 'poll';
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'stale' | 'cancelled' | 'cancel_refused';

type OrderRow = Pick<SalesOrderRow, 'id' | 'warehouse_id' | 'status' | 'external_updated_at' | 'version' | 'connector_id'>;

/** Statuses in which the lines may still change (nothing has been released to the floor). */
export const EDITABLE = new Set(['pending', 'on_hold', 'backordered', 'allocated']);

/**
 * The one idempotent import path (webhooks, reconciliation poll, generic API): creates the order once per
 * (connector, external id); applies an update only when the storefront's updated_at is newer than the stored one,
 * so duplicates and out-of-order deliveries never overwrite newer data.
 */
export async function importOrder(
  tx: EntityManager,
  input: {
    connector: Pick<ConnectorRow, 'id' | 'warehouse_id' | 'sku_mapping' | 'min_shelf_life_days'> | null;
    warehouseId: string;
    source: ImportSource;
    order: NormalizedOrder;
  },
): Promise<{ orderId: string; outcome: ImportOutcome; status: string }> {
  const { connector, order: o } = input;
  const minShelf = o.minShelfLifeDays ?? (connector ? await customerShelfLife(tx, connector, o) : undefined) ?? null;
  const header = [
    o.externalNumber ?? null,
    JSON.stringify(o.customer),
    JSON.stringify(o.shipTo),
    o.shippingMethod ?? null,
    o.promiseDate ?? null,
    o.priority === 'express' ? 0 : 1,
    o.currency,
    o.subtotalMinor,
    o.shippingMinor,
    o.taxMinor,
    o.discountMinor,
    o.totalMinor,
    `{${o.tags.map((t) => `"${t.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`,
    o.notes ?? null,
    minShelf,
    o.createdAt ?? null,
    o.updatedAt ?? null,
  ];
  const conflict = connector
    ? '(connector_id, external_id) where connector_id is not null'
    : '(warehouse_id, external_id) where connector_id is null';
  // Insert-or-nothing first: concurrent deliveries of one order race on the unique index, exactly one wins.
  const created = await sqlOne<Pick<SalesOrderRow, 'id'>>(
    tx,
    `insert into sales_order (warehouse_id, connector_id, external_id, source, status, hold_reason,
      external_number, customer, ship_to, shipping_method, promise_date, priority_rank, currency, subtotal_minor, shipping_minor, tax_minor,
      discount_minor, total_minor, tags, notes, min_shelf_life_days, external_created_at, external_updated_at)
    values (?, ?, ?, ?, 'pending', null, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?)
    on conflict ${conflict} do nothing returning id`,
    [input.warehouseId, connector?.id ?? null, o.externalId, input.source, ...header],
  );
  if (created) {
    const status = await writeLines(tx, created.id, connector, o);
    await logOrder(tx, created.id, {
      category: 'intake',
      action: 'created',
      message: `Imported from ${input.source}${o.externalNumber ? ` as ${o.externalNumber}` : ''} with ${o.lines.length} line(s)`,
      data: { updatedAt: o.updatedAt },
    });
    await emit(tx, {
      type: 'order.created',
      warehouseId: input.warehouseId,
      payload: {
        orderId: created.id,
        externalId: o.externalId,
        connectorId: connector?.id ?? null,
        status,
        priorityRank: o.priority === 'express' ? 0 : 1,
      },
    });
    if (o.cancelled) {
      await cancelOrderTx(tx, created.id, { reason: o.cancelReason ?? 'cancelled in the storefront', source: input.source });
      return { orderId: created.id, outcome: 'cancelled', status: 'cancelled' };
    }
    if (status === 'on_hold') await emitHeld(tx, input.warehouseId, created.id);
    return { orderId: created.id, outcome: 'created', status };
  }

  const cur = (await sqlOne<OrderRow>(
    tx,
    `select id, warehouse_id, status, external_updated_at, version, connector_id from sales_order
    where ${connector ? 'connector_id = ?' : 'warehouse_id = ? and connector_id is null'} and external_id = ? for update`,
    [connector?.id ?? input.warehouseId, o.externalId],
  ))!;
  const storedAt = cur.external_updated_at ? new Date(cur.external_updated_at).getTime() : undefined;
  const incomingAt = o.updatedAt ? new Date(o.updatedAt).getTime() : undefined;
  if (storedAt !== undefined && (incomingAt === undefined || incomingAt < storedAt)) {
    await logOrder(tx, cur.id, {
      category: 'intake',
      action: 'stale_ignored',
      message: `Ignored an update from ${input.source} dated ${o.updatedAt ?? 'unknown'}: the order already reflects ${new Date(storedAt).toISOString()}`,
    });
    return { orderId: cur.id, outcome: 'stale', status: cur.status };
  }
  if (storedAt !== undefined && incomingAt === storedAt && !(o.cancelled && cur.status !== 'cancelled'))
    return { orderId: cur.id, outcome: 'unchanged', status: cur.status };
  if (o.cancelled) {
    if (cur.status === 'cancelled') return { orderId: cur.id, outcome: 'unchanged', status: cur.status };
    await sql(tx, 'update sales_order set external_updated_at = ? where id = ?', [o.updatedAt ?? null, cur.id]);
    const r = await cancelOrderTx(tx, cur.id, {
      reason: o.cancelReason ?? 'cancelled in the storefront',
      source: input.source,
      refuseQuietly: true,
    });
    return { orderId: cur.id, outcome: r.cancelled ? 'cancelled' : 'cancel_refused', status: r.status };
  }
  if (cur.status === 'cancelled') {
    await logOrder(tx, cur.id, { category: 'intake', action: 'update_ignored', message: 'Ignored an update of a cancelled order' });
    return { orderId: cur.id, outcome: 'unchanged', status: cur.status };
  }
  await sql(
    tx,
    `update sales_order set external_number = ?, customer = ?::jsonb, ship_to = ?::jsonb, shipping_method = ?, promise_date = ?, priority_rank = ?,
      currency = ?, subtotal_minor = ?, shipping_minor = ?, tax_minor = ?, discount_minor = ?, total_minor = ?, tags = ?::text[], notes = ?,
      min_shelf_life_days = ?, external_created_at = coalesce(external_created_at, ?), external_updated_at = ?, version = version + 1, updated_at = now()
    where id = ?`,
    [...header, cur.id],
  );
  let linesChanged = false;
  let status: string = cur.status; // writeLines/refreshHold return a plain string
  if (EDITABLE.has(cur.status)) {
    const old = await sql<Pick<OrderLineRow, 'external_line_id' | 'external_sku' | 'external_ref' | 'barcode' | 'qty'>>(
      tx,
      'select external_line_id, external_sku, external_ref, barcode, qty from order_line where order_id = ? order by line_no',
      [cur.id],
    );
    const sig = (ls: { id?: string | null; sku?: string | null; ref?: string | null; bc?: string | null; qty: number }[]) =>
      JSON.stringify(ls.map((l) => [l.id ?? '', l.sku ?? '', l.ref ?? '', l.bc ?? '', l.qty]));
    linesChanged =
      sig(old.map((l) => ({ id: l.external_line_id, sku: l.external_sku, ref: l.external_ref, bc: l.barcode, qty: l.qty }))) !==
      sig(o.lines.map((l) => ({ id: l.externalLineId, sku: l.sku, ref: l.externalRef, bc: l.barcode, qty: l.qty })));
    if (linesChanged) {
      const lineIds = await sql<Pick<OrderLineRow, 'id'>>(tx, 'select id from order_line where order_id = ?', [cur.id]);
      for (const l of lineIds) await releaseReservations(tx, { refType: 'order_line', refId: l.id }, 'order lines changed');
      await sql(tx, 'delete from order_line where order_id = ?', [cur.id]);
      status = await writeLines(tx, cur.id, connector, o);
      await logOrder(tx, cur.id, {
        category: 'allocation',
        action: 'reset',
        message: 'Lines changed in the storefront: reservations released, the order is allocated again',
      });
      if (status === 'on_hold') await emitHeld(tx, cur.warehouse_id, cur.id);
    } else {
      // Same lines: the address may have gained a country, so re-check only the header hold reason.
      status = await refreshHold(tx, cur.id, connector);
    }
  } else if (o.lines.length) {
    await logOrder(tx, cur.id, {
      category: 'intake',
      action: 'lines_frozen',
      message: `Line changes from the storefront were not applied: the order is already ${cur.status}`,
    });
  }
  await logOrder(tx, cur.id, {
    category: 'intake',
    action: 'updated',
    message: `Updated from ${input.source}`,
    data: { updatedAt: o.updatedAt, linesChanged },
  });
  await emit(tx, {
    type: 'order.updated',
    warehouseId: cur.warehouse_id,
    payload: { orderId: cur.id, status, version: cur.version + 1, linesChanged },
  });
  return { orderId: cur.id, outcome: 'updated', status };
}

async function emitHeld(tx: EntityManager, warehouseId: string, orderId: string) {
  const r = await sqlOne<Pick<SalesOrderRow, 'hold_reason'>>(tx, 'select hold_reason from sales_order where id = ?', [orderId]);
  await emit(tx, { type: 'order.held', warehouseId, payload: { orderId, reason: r?.hold_reason ?? '' } });
}

/** The hold reason an order header alone implies (no valid ship-to country), if any. */
export function headerHold(o: NormalizedOrder): string | undefined {
  if (!o.shipTo.countryCode) return 'Ship-to address has no valid ISO 3166 country; correct the address in the storefront.';
  return undefined;
}

/** Inserts the lines (SKU-resolved) and sets pending / on_hold; returns the status. */
async function writeLines(
  tx: EntityManager,
  orderId: string,
  connector: Pick<ConnectorRow, 'id' | 'sku_mapping'> | null,
  o: NormalizedOrder,
): Promise<string> {
  const skuIds = await resolveSkus(tx, connector, o.lines);
  if (o.lines.length) {
    const values: unknown[] = [];
    const rows = o.lines.map((l, i) => {
      values.push(
        orderId,
        i + 1,
        l.externalLineId ?? null,
        l.sku ?? null,
        l.externalRef ?? null,
        l.barcode ?? null,
        l.name,
        skuIds[i],
        l.qty,
        l.unitPriceMinor,
        l.discountMinor,
      );
      return '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    });
    await sql(
      tx,
      `insert into order_line (order_id, line_no, external_line_id, external_sku, external_ref, barcode, name, sku_id, qty, unit_price_minor, discount_minor) values ${rows.join(', ')}`,
      values,
    );
  }
  const reason =
    [
      unmappedReason(
        o.lines.map((l, i) => ({ ...l, lineNo: i + 1 })),
        skuIds,
      ),
      headerHold(o),
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  const status = reason ? 'on_hold' : 'pending';
  // A new order (pending) or an editable one whose lines changed is evaluated again: pending, or on_hold with the reason.
  const [moved] = await moveOrders(tx, [orderId], status, { set: 'hold_reason = ?', setParams: [reason ?? null] });
  if (!moved) throw new Error(`order ${orderId}: lines were rewritten outside an editable status`);
  if (reason) await logOrder(tx, orderId, { category: 'hold', action: 'held', message: reason });
  return status;
}

async function refreshHold(
  tx: EntityManager,
  orderId: string,
  connector: Pick<ConnectorRow, 'id' | 'sku_mapping'> | null,
): Promise<string> {
  const r = await sqlOne<Pick<SalesOrderRow, 'status'>>(tx, 'select status from sales_order where id = ?', [orderId]);
  if (r!.status !== 'on_hold') return r!.status;
  return (await releaseHoldIfResolved(tx, orderId, connector)) ? 'pending' : 'on_hold';
}
export type ReleaseHoldIfResolvedRow = Pick<SalesOrderRow, 'warehouse_id' | 'status'> & { ship_to: { countryCode?: string } };

/**
 * Re-resolves the SKUs of an on_hold order (after a mapping or catalog fix) and releases the hold when every
 * line maps and the address has a country. Returns true when released.
 */
export async function releaseHoldIfResolved(
  tx: EntityManager,
  orderId: string,
  connector: Pick<ConnectorRow, 'id' | 'sku_mapping'> | null,
): Promise<boolean> {
  const order = await sqlOne<ReleaseHoldIfResolvedRow>(
    tx,
    'select warehouse_id, status, ship_to from sales_order where id = ? for update',
    [orderId],
  );
  if (!order || order.status !== 'on_hold') return false;
  const lines = await sql<Pick<OrderLineRow, 'id' | 'line_no' | 'name' | 'external_sku' | 'external_ref' | 'barcode' | 'sku_id'>>(
    tx,
    'select id, line_no, name, external_sku, external_ref, barcode, sku_id from order_line where order_id = ? order by line_no',
    [orderId],
  );
  const refs = lines.map((l) => ({
    sku: l.external_sku,
    externalRef: l.external_ref,
    barcode: l.barcode,
    lineNo: l.line_no,
    name: l.name,
  }));
  const resolved = await resolveSkus(tx, connector, refs);
  const skuIds = lines.map((l, i) => l.sku_id ?? resolved[i] ?? null);
  for (const [i, l] of lines.entries())
    if (!l.sku_id && skuIds[i]) await sql(tx, 'update order_line set sku_id = ? where id = ?', [skuIds[i], l.id]);
  const reason =
    [
      unmappedReason(refs, skuIds),
      order.ship_to.countryCode ? undefined : 'Ship-to address has no valid ISO 3166 country; correct the address in the storefront.',
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  if (reason) {
    await sql(tx, 'update sales_order set hold_reason = ? where id = ?', [reason, orderId]);
    return false;
  }
  await moveOrder(tx, { id: orderId, status: order.status }, 'pending', {
    set: 'hold_reason = null',
    events: [{ type: 'order.hold_released', warehouseId: order.warehouse_id, payload: { orderId } }],
  });
  await logOrder(tx, orderId, {
    category: 'hold',
    action: 'released',
    message: 'Every line now maps to a SKU: hold released, the order goes to allocation',
  });
  return true;
}

/** Releases every on_hold order of a connector that the current mappings now resolve; returns how many. */
export async function releaseConnectorHolds(tx: EntityManager, connector: Pick<ConnectorRow, 'id' | 'sku_mapping'>): Promise<number> {
  const held = await sql<Pick<SalesOrderRow, 'id'>>(
    tx,
    `select id from sales_order where connector_id = ? and status = 'on_hold' order by created_at limit 5000`,
    [connector.id],
  );
  let n = 0;
  for (const h of held) if (await releaseHoldIfResolved(tx, h.id, connector)) n++;
  return n;
}
export type CustomerShelfLifeRow = { d: number };

async function customerShelfLife(
  tx: EntityManager,
  connector: Pick<ConnectorRow, 'id' | 'min_shelf_life_days'>,
  o: NormalizedOrder,
): Promise<number | undefined> {
  const keys = [o.customer.externalId, o.customer.email?.toLowerCase()].filter((k): k is string => !!k);
  if (keys.length) {
    const r = await sqlOne<CustomerShelfLifeRow>(
      tx,
      'select max(min_shelf_life_days) as d from customer_allocation_rule where connector_id = ? and customer_key = any(?::text[])',
      [connector.id, `{${keys.map((k) => `"${k.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`],
    );
    if (r?.d != null) return Number(r.d);
  }
  return connector.min_shelf_life_days ?? undefined;
}
