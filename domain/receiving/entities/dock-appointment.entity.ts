import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Asn } from './asn.entity.js';
import { Supplier } from './supplier.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `dock_appointment`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const DockAppointment = defineEntity({
  name: 'DockAppointment',
  tableName: 'dock_appointment',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('dock_appointment_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    dock_door: p.text(),
    asn_id: () =>
      p
        .manyToOne(Asn)
        .mapToPk()
        .fieldName('asn_id')
        .foreignKeyName('dock_appointment_asn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    supplier_id: () =>
      p
        .manyToOne(Supplier)
        .mapToPk()
        .fieldName('supplier_id')
        .foreignKeyName('dock_appointment_supplier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    starts_at: p.datetime(),
    ends_at: p.datetime(),
    status: p.enum(['booked', 'arrived', 'done', 'cancelled']).defaultRaw("'booked'"),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'dock_appointment_door_idx', properties: ['warehouse_id', 'dock_door', 'starts_at'] }],
});
export type DockAppointment = InferEntity<typeof DockAppointment>;
/** A `dock_appointment` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DockAppointmentRow = RowOf<typeof DockAppointment>;
