import type { EntitySchema } from '@mikro-orm/core';
import { Asn } from './asn.entity.js';
import { AsnLine } from './asn-line.entity.js';
import { AsnScan } from './asn-scan.entity.js';
import { DockAppointment } from './dock-appointment.entity.js';
import { PurchaseOrder } from './purchase-order.entity.js';
import { PurchaseOrderLine } from './purchase-order-line.entity.js';
import { Supplier } from './supplier.entity.js';
export * from './asn.entity.js';
export * from './asn-line.entity.js';
export * from './asn-scan.entity.js';
export * from './dock-appointment.entity.js';
export * from './purchase-order.entity.js';
export * from './purchase-order-line.entity.js';
export * from './supplier.entity.js';

/** Every table the receiving context owns. */
export const receivingEntities = [
  Asn,
  AsnLine,
  AsnScan,
  DockAppointment,
  PurchaseOrder,
  PurchaseOrderLine,
  Supplier,
] as unknown as EntitySchema[];
