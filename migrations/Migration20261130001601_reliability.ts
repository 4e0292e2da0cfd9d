import { Migration } from '@mikro-orm/migrations';

/**
 * Postgres is the truth, Redis a cache of work (issue 16):
 * - `event_consumption`: a consumer's effect for one relayed event, keyed by (queue, event id), so the
 *   reconciler can tell which outbox jobs still have to run after Redis lost them;
 * - `dead_letter`: jobs parked after N failed attempts (or at once on a validation failure), replayable by an admin;
 * - `reconciler_repair`: running totals of what the reconciler rebuilt (exported in /metrics);
 * - `idempotency_key.applied_at`: set in the same transaction as the command's effect, so a retry after a crash
 *   between commit and response is never applied twice.
 */
export class Migration20261130001601_reliability extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table event_consumption (
        queue text not null,
        event_id bigint not null,
        consumed_at timestamptz not null default now(),
        primary key (queue, event_id)
      );`);
    this.addSql(`create index outbox_relayed_idx on outbox (relayed_at) where relayed_at is not null;`);
    this.addSql(`
      create table dead_letter (
        id uuid primary key default gen_random_uuid(),
        queue text not null,
        job_id text not null,
        job_name text not null,
        payload jsonb not null,
        job_opts jsonb not null default '{}',
        attempts int not null,
        reason text not null check (reason in ('attempts_exhausted', 'validation')),
        last_error text not null,
        status text not null default 'parked' check (status in ('parked', 'replayed', 'discarded')),
        parked_at timestamptz not null default now(),
        replayed_at timestamptz,
        replayed_by text,
        replay_job_id text
      );`);
    this.addSql(`create unique index dead_letter_parked_uq on dead_letter (queue, job_id) where status = 'parked';`);
    this.addSql(`create index dead_letter_status_idx on dead_letter (status, parked_at desc);`);
    this.addSql(`
      create table reconciler_repair (
        kind text primary key,
        total bigint not null default 0,
        last_at timestamptz not null default now()
      );`);
    this.addSql(`alter table idempotency_key add column applied_at timestamptz;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table idempotency_key drop column if exists applied_at;`);
    this.addSql(`drop index if exists outbox_relayed_idx;`);
    this.addSql(`drop table if exists reconciler_repair, dead_letter, event_consumption;`);
  }
}
