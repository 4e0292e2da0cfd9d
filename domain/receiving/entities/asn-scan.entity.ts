import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Asn } from './asn.entity.js';
import { LicensePlate } from '../../inventory/entities/license-plate.entity.js';
import { Location } from '../../layout/entities/location.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `asn_scan`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const AsnScan = defineEntity({
  name: 'AsnScan',
  tableName: 'asn_scan',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    asn_id: () =>
      p.manyToOne(Asn).mapToPk().fieldName('asn_id').foreignKeyName('asn_scan_asn_id_fkey').deleteRule('cascade').updateRule('no action'),
    client_key: p.text().nullable(),
    raw: p.text(),
    kind: p.enum(['pallet', 'item']),
    line_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    lpn_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('lpn_id')
        .foreignKeyName('asn_scan_lpn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('asn_scan_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    damaged: p.boolean().defaultRaw('false'),
    photo_url: p.text().nullable(),
    note: p.text().nullable(),
    user_id: p.uuid().nullable(),
    result: p.json<unknown>().defaultRaw("'{}'"),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'asn_scan_asn_id_client_key_key', properties: ['asn_id', 'client_key'] }],
});
export type AsnScan = InferEntity<typeof AsnScan>;
/** A `asn_scan` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type AsnScanRow = RowOf<typeof AsnScan>;
