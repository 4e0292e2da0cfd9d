import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `dead_letter`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const DeadLetter = defineEntity({
  name: 'DeadLetter',
  tableName: 'dead_letter',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    queue: p.text(),
    job_id: p.text(),
    job_name: p.text(),
    payload: p.json<unknown>(),
    job_opts: p.json<unknown>().defaultRaw("'{}'"),
    attempts: p.integer(),
    reason: p.enum(['attempts_exhausted', 'validation']),
    last_error: p.text(),
    status: p.enum(['parked', 'replayed', 'discarded']).defaultRaw("'parked'"),
    parked_at: p.datetime().defaultRaw('now()'),
    replayed_at: p.datetime().nullable(),
    replayed_by: p.text().nullable(),
    replay_job_id: p.text().nullable(),
  },
  indexes: [{ name: 'dead_letter_status_idx', properties: ['status', 'parked_at'] }],
  uniques: [
    {
      name: 'dead_letter_parked_uq',
      expression:
        "CREATE UNIQUE INDEX dead_letter_parked_uq ON public.dead_letter USING btree (queue, job_id) WHERE (status = 'parked'::text)",
    },
  ],
});
export type DeadLetter = InferEntity<typeof DeadLetter>;
/** A `dead_letter` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DeadLetterRow = RowOf<typeof DeadLetter>;
