import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `zone_chart_row`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ZoneChartRow = defineEntity({
  name: 'ZoneChartRow',
  tableName: 'zone_chart_row',
  properties: {
    chart_code: p.text().primary(),
    origin_prefix: p.text().primary(),
    dest_from: p.text().primary(),
    dest_to: p.text(),
    zone: p.text(),
  },
});
export type ZoneChartRow = InferEntity<typeof ZoneChartRow>;
/** A `zone_chart_row` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ZoneChartRowRow = RowOf<typeof ZoneChartRow>;
