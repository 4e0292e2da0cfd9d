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
import { PurchaseOrder } from './entities/purchase-order.entity.js';
import { PurchaseOrderLine } from './entities/purchase-order-line.entity.js';
import { Supplier, type SupplierRow } from './entities/supplier.entity.js';
import { Location } from '../layout/entities/location.entity.js';
import { DockAppointment, type DockAppointmentRow } from './entities/dock-appointment.entity.js';
import { Asn } from './entities/asn.entity.js';
import { Sku } from '../catalog/entities/sku.entity.js';
import { iso } from '../shared/time.js';

export async function saveSupplier(tx: EntityManager, b: z.infer<typeof supplierBody>): Promise<z.infer<typeof supplierView>> {
  const s = await upsertSupplier(tx, b.name);
  const set = { ...(b.code != null ? { code: b.code } : {}), ...(b.leadTimeDays != null ? { lead_time_days: b.leadTimeDays } : {}) };
  if (Object.keys(set).length) await tx.nativeUpdate(Supplier, { id: s.id }, set);
  const r = await tx.findOneOrFail(Supplier, { id: s.id }, { disableIdentityMap: true });
  return { id: r.id, name: r.name, code: r.code ?? null, leadTimeDays: r.lead_time_days };
}

const supplierKeys = keyset(['text', 'uuid']);
const appointmentKeys = keyset(['time', 'text', 'uuid']);

/** Suppliers by name (ties by id, so equal names never skip or repeat a row). */
export async function listSuppliers(em: EntityManager, q: { limit: number; cursor?: string }) {
  const after = supplierKeys.after(q.cursor);
  // Raw SQL: the keyset is a row comparison on an expression (lower(name), id).
  const rows = await sql<SupplierRow>(
    em,
    'select * from supplier where (?::text is null or (lower(name), id) > (?, ?::uuid)) order by lower(name), id limit ?',
    [after?.[0] ?? null, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1],
  );
  const page = supplierKeys.page(rows, q.limit, (r) => [r.name.toLowerCase(), r.id]);
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
  await tx.insertMany<PurchaseOrderLine>(
    PurchaseOrderLine,
    b.lines.map((l, i) => ({ po_id: po.id, line_no: i + 1, sku_id: skus.get(l.sku)!, qty_ordered: l.qty })),
  );
  return getPurchaseOrder(tx, po.id);
}

/** Warehouse of a purchase order (for the caller's scope check before anything else); 404 when missing. */
export async function purchaseOrderWarehouse(em: EntityManager, id: string): Promise<string> {
  const po = await em.findOne(PurchaseOrder, { id }, { fields: ['warehouse_id'], disableIdentityMap: true });
  if (!po) throw new NotFound('Purchase order', id);
  return po.warehouse_id;
}

export async function getPurchaseOrder(em: EntityManager, id: string): Promise<z.infer<typeof purchaseOrderView>> {
  const fresh = { disableIdentityMap: true } as const;
  const p = await em.findOne(PurchaseOrder, { id }, fresh);
  if (!p) throw new NotFound('Purchase order', id);
  const supplier = await em.findOneOrFail(Supplier, { id: p.supplier_id }, { fields: ['name'], ...fresh });
  const poLines = await em.find(PurchaseOrderLine, { po_id: id }, { orderBy: { line_no: 'asc' }, ...fresh });
  const skus = poLines.length ? await em.find(Sku, { id: { $in: poLines.map((l) => l.sku_id) } }, { fields: ['code'], ...fresh }) : [];
  const codeOf = new Map(skus.map((s) => [s.id, s.code]));
  const lines = poLines.map((l) => ({ ...l, code: codeOf.get(l.sku_id)! }));
  return {
    id: p.id,
    warehouseId: p.warehouse_id,
    reference: p.reference,
    supplier: { id: p.supplier_id, name: supplier.name },
    status: p.status,
    expectedAt: iso(p.expected_at),
    lines: lines.map((l) => ({ id: l.id, sku: l.code, qtyOrdered: l.qty_ordered, qtyReceived: l.qty_received })),
  };
}

const toAppointment = (r: DockAppointment | DockAppointmentRow): z.infer<typeof appointmentView> => ({
  id: r.id,
  warehouseId: r.warehouse_id,
  dockDoor: r.dock_door,
  asnId: r.asn_id ?? null,
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
  const dock = await tx.findOne(
    Location,
    { warehouse_id: b.warehouseId, code: b.dockDoor, type: 'dock' },
    { fields: ['id'], disableIdentityMap: true },
  );
  if (!dock) throw new ValidationFailed(`No dock door ${b.dockDoor}`, [{ path: 'body.dockDoor', message: 'unknown dock door' }]);
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`dock:${b.warehouseId}:${b.dockDoor}`]);
  const clash = await tx.findOne(
    DockAppointment,
    {
      warehouse_id: b.warehouseId,
      dock_door: b.dockDoor,
      status: { $ne: 'cancelled' },
      starts_at: { $lt: new Date(b.endsAt) },
      ends_at: { $gt: new Date(b.startsAt) },
    },
    { fields: ['id'], disableIdentityMap: true },
  );
  if (clash) throw new Conflict(`Dock door ${b.dockDoor} is booked in that slot`, 'dock-door-booked', { appointmentId: clash.id });
  if (b.asnId) {
    const asn = await tx.count(Asn, { id: b.asnId, warehouse_id: b.warehouseId });
    if (!asn) throw new ValidationFailed('No such ASN in this warehouse', [{ path: 'body.asnId', message: 'unknown ASN' }]);
    await tx.nativeUpdate(Asn, { id: b.asnId }, { dock_door: b.dockDoor, dock_location_id: dock.id });
  }
  const id = (await tx.insert(DockAppointment, {
    warehouse_id: b.warehouseId,
    dock_door: b.dockDoor,
    asn_id: b.asnId ?? null,
    starts_at: new Date(b.startsAt),
    ends_at: new Date(b.endsAt),
  })) as string;
  return toAppointment(await tx.findOneOrFail(DockAppointment, { id }, { disableIdentityMap: true }));
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
  // Raw SQL: the keyset is a row comparison (starts_at, dock_door, id) at microsecond precision.
  const rows = await sql<DockAppointmentRow>(
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
