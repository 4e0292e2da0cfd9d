import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../shared/sql.js';
import type { ReconcilerRepairRow } from './entities/reconciler-repair.entity.js';
import type { DeadLetterRow as DeadLetterTableRow } from './entities/dead-letter.entity.js';

/**
 * The dead-letter store: work that failed N times (or failed validation, which no retry can fix) is parked here
 * with its last error, so it stops looping and an admin can see it and replay it. Postgres holds it because a
 * BullMQ failed set lives in Redis, which may be wiped.
 */
export type DeadLetterRow = Omit<DeadLetterTableRow, 'job_opts'> & {
  /** The job's retry options (attempts, backoff), reused on replay. */
  job_opts: Record<string, unknown>;
};

export async function parkDeadLetter(
  em: EntityManager,
  d: {
    queue: string;
    jobId: string;
    jobName: string;
    payload: unknown;
    jobOpts?: Record<string, unknown>;
    attempts: number;
    reason: DeadLetterRow['reason'];
    error: string;
  },
): Promise<boolean> {
  const row = await sqlOne(
    em,
    `insert into dead_letter (queue, job_id, job_name, payload, job_opts, attempts, reason, last_error) values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)
    on conflict (queue, job_id) where status = 'parked' do update set attempts = excluded.attempts, last_error = excluded.last_error
    returning (xmax = 0) as inserted`,
    [
      d.queue,
      d.jobId,
      d.jobName,
      JSON.stringify(d.payload ?? null),
      JSON.stringify(d.jobOpts ?? {}),
      d.attempts,
      d.reason,
      d.error.slice(0, 4000),
    ],
  );
  return Boolean((row as { inserted?: boolean } | undefined)?.inserted);
}

export async function listDeadLetters(
  em: EntityManager,
  q: { status?: DeadLetterRow['status']; queue?: string; limit: number; before?: string },
): Promise<DeadLetterRow[]> {
  return sql<DeadLetterRow>(
    em,
    `select * from dead_letter where (?::text is null or status = ?) and (?::text is null or queue = ?)
      and (?::timestamptz is null or parked_at < ?::timestamptz) order by parked_at desc, id limit ?`,
    [q.status ?? null, q.status ?? null, q.queue ?? null, q.queue ?? null, q.before ?? null, q.before ?? null, q.limit],
  );
}

export async function getDeadLetter(em: EntityManager, id: string): Promise<DeadLetterRow | undefined> {
  return sqlOne<DeadLetterRow>(em, 'select * from dead_letter where id = ?', [id]);
}

/** Marks a parked letter replayed (the caller enqueues `replayJobId`); false when it was not parked any more. */
export async function markReplayed(em: EntityManager, id: string, by: string, replayJobId: string): Promise<boolean> {
  const r = await sql(
    em,
    `update dead_letter set status = 'replayed', replayed_at = now(), replayed_by = ?, replay_job_id = ? where id = ? and status = 'parked' returning id`,
    [by, replayJobId, id],
  );
  return r.length > 0;
}
export type ParkedCountRow = { n: string };

export async function parkedCount(em: EntityManager): Promise<number> {
  return Number((await sqlOne<ParkedCountRow>(em, `select count(*) as n from dead_letter where status = 'parked'`))!.n);
}

/** Effects of relayed events, keyed by (queue, event id): the reconciler re-enqueues what has none. */
export async function recordConsumption(em: EntityManager, queue: string, eventId: string): Promise<void> {
  await sql(em, 'insert into event_consumption (queue, event_id) values (?, ?) on conflict do nothing', [queue, eventId]);
}

export async function wasConsumed(em: EntityManager, queue: string, eventId: string): Promise<boolean> {
  return !!(await sqlOne(em, 'select 1 from event_consumption where queue = ? and event_id = ?', [queue, eventId]));
}

export async function countRepairs(em: EntityManager, kind: string, n: number): Promise<void> {
  if (n <= 0) return;
  await sql(
    em,
    `insert into reconciler_repair (kind, total) values (?, ?) on conflict (kind) do update set total = reconciler_repair.total + excluded.total, last_at = now()`,
    [kind, n],
  );
}

export async function repairTotals(em: EntityManager): Promise<{ kind: string; total: number }[]> {
  return (await sql<Pick<ReconcilerRepairRow, 'kind' | 'total'>>(em, 'select kind, total from reconciler_repair order by kind')).map(
    (r) => ({
      kind: r.kind,
      total: Number(r.total),
    }),
  );
}
