import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Asn } from './asn.entity.js';
import { LicensePlate } from '../../inventory/entities/license-plate.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `asn_line`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const AsnLine = defineEntity({
  name: 'AsnLine',
  tableName: 'asn_line',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    asn_id: () =>
      p.manyToOne(Asn).mapToPk().fieldName('asn_id').foreignKeyName('asn_line_asn_id_fkey').deleteRule('cascade').updateRule('no action'),
    line_no: p.integer(),
    sku_id: () =>
      p.manyToOne(Sku).mapToPk().fieldName('sku_id').foreignKeyName('asn_line_sku_id_fkey').deleteRule('no action').updateRule('no action'),
    qty_expected: p.integer(),
    qty_received: p.integer().defaultRaw('0'),
    qty_damaged: p.integer().defaultRaw('0'),
    lot: p.text().nullable(),
    expiry: p.date().nullable(),
    sscc: p.text().nullable(),
    lpn_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('lpn_id')
        .foreignKeyName('asn_line_lpn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    unexpected: p.boolean().defaultRaw('false'),
  },
  indexes: [
    {
      name: 'asn_line_sscc_idx',
      expression: 'CREATE INDEX asn_line_sscc_idx ON public.asn_line USING btree (sscc) WHERE (sscc IS NOT NULL)',
    },
  ],
  uniques: [{ name: 'asn_line_asn_id_line_no_key', properties: ['asn_id', 'line_no'] }],
});
export type AsnLine = InferEntity<typeof AsnLine>;
/** A `asn_line` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type AsnLineRow = RowOf<typeof AsnLine>;
