/** Suppliers, purchase orders and dock appointments: the paperwork around an inbound shipment. */
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { skuIdsByCode, upsertSupplier } from './asn.service.js';
import type {
  appointmentBody,
  appointmentView,
  purchaseOrderBody,
  purchaseOrderView,
  supplierBody,
  supplierView,
} from './receiving.schemas.js';
import type { PurchaseOrderRow } from './entities/purchase-order.entity.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
import type { DockAppointmentRow } from './entities/dock-appointment.entity.js';
import { iso } from '../shared/time.js';

export async function saveSupplier(tx: EntityManager, b: z.infer<typeof supplierBody>): Promise<z.infer<typeof supplierView>> {
  const s = await upsertSupplier(tx, b.name);
  const r = (await sqlOne<Record<string, any>>(
    tx,
    'update supplier set code = coalesce(?, code), lead_time_days = coalesce(?, lead_time_days) where id = ? returning *',
    [b.code ?? null, b.leadTimeDays ?? null, s.id],
  ))!;
  return { id: r.id, name: r.name, code: r.code, leadTimeDays: r.lead_time_days };
}

const supplierKeys = keyset(['text', 'uuid']);
const appointmentKeys = keyset(['time', 'text', 'uuid']);

/** Suppliers by name (ties by id, so equal names never skip or repeat a row). */
export async function listSuppliers(em: EntityManager, q: { limit: number; cursor?: string }) {
  const after = supplierKeys.after(q.cursor);
  const rows = await sql<Record<string, any>>(
    em,
    'select * from supplier where (?::text is null or (lower(name), id) > (?, ?::uuid)) order by lower(name), id limit ?',
    [after?.[0] ?? null, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1],
  );
  const page = supplierKeys.page(rows, q.limit, (r) => [String(r.name).toLowerCase(), r.id as string]);
  return {
    items: page.items.map((r) => ({ id: r.id, name: r.name, code: r.code, leadTimeDays: r.lead_time_days })),
    nextCursor: page.nextCursor,
  };
}

export async function createPurchaseOrder(
  tx: EntityManager,
  b: z.infer<typeof purchaseOrderBody>,
  userId?: string,
): Promise<z.infer<typeof purchaseOrderView>> {
  const skus = await skuIdsByCode(
    tx,
    b.lines.map((l) => l.sku),
    (i) => `body.lines.${i}.sku`,
  );
  const s = await upsertSupplier(tx, b.supplier.name);
  const po = await sqlOne<Pick<PurchaseOrderRow, 'id'>>(
    tx,
    `insert into purchase_order (warehouse_id, supplier_id, reference, expected_at, created_by) values (?, ?, ?, ?, ?)
    on conflict (warehouse_id, reference) do nothing returning id`,
    [b.warehouseId, s.id, b.reference, b.expectedAt ?? null, userId ?? null],
  );
  if (!po) throw new Conflict(`Purchase order ${b.reference} already exists`, 'po-exists');
  await sql(
    tx,
    `insert into purchase_order_line (po_id, line_no, sku_id, qty_ordered)
    select ?, t.n, t.sku_id, t.qty from jsonb_to_recordset(?::jsonb) as t(n int, sku_id uuid, qty int)`,
    [po.id, JSON.stringify(b.lines.map((l, i) => ({ n: i + 1, sku_id: skus.get(l.sku), qty: l.qty })))],
  );
  return getPurchaseOrder(tx, po.id);
}

export async function getPurchaseOrder(em: EntityManager, id: string): Promise<z.infer<typeof purchaseOrderView>> {
  const p = await sqlOne<Record<string, any>>(
    em,
    'select p.*, s.name as supplier_name from purchase_order p join supplier s on s.id = p.supplier_id where p.id = ?',
    [id],
  );
  if (!p) throw new NotFound('Purchase order', id);
  const lines = await sql<Record<string, any>>(
    em,
    'select l.*, s.code from purchase_order_line l join sku s on s.id = l.sku_id where l.po_id = ? order by l.line_no',
    [id],
  );
  return {
    id: p.id,
    warehouseId: p.warehouse_id,
    reference: p.reference,
    supplier: { id: p.supplier_id, name: p.supplier_name },
    status: p.status,
    expectedAt: iso(p.expected_at),
    lines: lines.map((l) => ({ id: l.id, sku: l.code, qtyOrdered: l.qty_ordered, qtyReceived: l.qty_received })),
  };
}

const toAppointment = (r: Record<string, any>): z.infer<typeof appointmentView> => ({
  id: r.id,
  warehouseId: r.warehouse_id,
  dockDoor: r.dock_door,
  asnId: r.asn_id,
  startsAt: iso(r.starts_at)!,
  endsAt: iso(r.ends_at)!,
  status: r.status,
});

/**
 * Books a dock door for a time slot. Two bookings of one door never overlap: the door is locked
 * (advisory, per warehouse and door) while the overlap check and insert run. An ASN booked this way
 * is received at that door unless the scan names another location.
 */
export async function bookAppointment(tx: EntityManager, b: z.infer<typeof appointmentBody>): Promise<z.infer<typeof appointmentView>> {
  if (new Date(b.endsAt) <= new Date(b.startsAt))
    throw new ValidationFailed('endsAt must be after startsAt', [{ path: 'body.endsAt', message: 'must be after startsAt' }]);
  const dock = await sqlOne<Pick<LocationRow, 'id'>>(tx, `select id from location where warehouse_id = ? and code = ? and type = 'dock'`, [
    b.warehouseId,
    b.dockDoor,
  ]);
  if (!dock) throw new ValidationFailed(`No dock door ${b.dockDoor}`, [{ path: 'body.dockDoor', message: 'unknown dock door' }]);
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`dock:${b.warehouseId}:${b.dockDoor}`]);
  const clash = await sqlOne<Pick<DockAppointmentRow, 'id'>>(
    tx,
    `select id from dock_appointment where warehouse_id = ? and dock_door = ? and status <> 'cancelled' and starts_at < ? and ends_at > ?`,
    [b.warehouseId, b.dockDoor, b.endsAt, b.startsAt],
  );
  if (clash) throw new Conflict(`Dock door ${b.dockDoor} is booked in that slot`, 'dock-door-booked', { appointmentId: clash.id });
  if (b.asnId) {
    const asn = await sqlOne(tx, 'select 1 from asn where id = ? and warehouse_id = ?', [b.asnId, b.warehouseId]);
    if (!asn) throw new ValidationFailed('No such ASN in this warehouse', [{ path: 'body.asnId', message: 'unknown ASN' }]);
    await sql(tx, 'update asn set dock_door = ?, dock_location_id = ? where id = ?', [b.dockDoor, dock.id, b.asnId]);
  }
  const r = (await sqlOne<Record<string, any>>(
    tx,
    'insert into dock_appointment (warehouse_id, dock_door, asn_id, starts_at, ends_at) values (?, ?, ?, ?, ?) returning *',
    [b.warehouseId, b.dockDoor, b.asnId ?? null, b.startsAt, b.endsAt],
  ))!;
  return toAppointment(r);
}

/**
 * Dock appointments of a warehouse overlapping [from, to), by start time then door, keyset-paginated
 * (the opaque cursor holds the last row's start, door and id, so equal starts never skip or repeat a row).
 */
export async function listAppointments(
  em: EntityManager,
  q: { warehouseId: string; from?: string; to?: string; limit: number; cursor?: string },
): Promise<{ items: z.infer<typeof appointmentView>[]; nextCursor: string | null }> {
  const after = appointmentKeys.after(q.cursor);
  const rows = await sql<Record<string, any>>(
    em,
    `select * from dock_appointment where warehouse_id = ? and (?::timestamptz is null or ends_at > ?) and (?::timestamptz is null or starts_at < ?)
      and (?::timestamptz is null or (starts_at, dock_door, id) > (?::timestamptz, ?::text, ?::uuid))
    order by starts_at, dock_door, id limit ?`,
    [
      q.warehouseId,
      q.from ?? null,
      q.from ?? null,
      q.to ?? null,
      q.to ?? null,
      after?.[0] ?? null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      after?.[2] ?? null,
      q.limit + 1,
    ],
  );
  const p = appointmentKeys.page(rows, q.limit, (r) => [new Date(r.starts_at).toISOString(), r.dock_door, r.id]);
  return { items: p.items.map(toAppointment), nextCursor: p.nextCursor };
}
