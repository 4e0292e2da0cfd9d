import { Migration } from '@mikro-orm/migrations';

/** Warehouses, identity, audit log and the transactional outbox. */
export class Migration20261125000001_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pgcrypto;`);
    this.addSql(`
      create table warehouse (
        id uuid primary key default gen_random_uuid(),
        code text not null unique check (code ~ '^[A-Z0-9_-]{1,16}$'),
        name text not null,
        timezone text not null default 'UTC',
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table app_user (
        id uuid primary key default gen_random_uuid(),
        username text not null unique,
        display_name text not null,
        password_hash text not null,
        badge_code text unique,
        pin_hash text,
        roles text[] not null check (cardinality(roles) > 0),
        warehouse_ids uuid[] not null default '{}',
        active boolean not null default true,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table refresh_token (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references app_user(id) on delete cascade,
        family_id uuid not null,
        token_hash text not null unique,
        device_id text,
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index refresh_token_family_idx on refresh_token (family_id);`);
    this.addSql(`
      create table api_client (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        key_prefix text not null unique,
        key_hash text not null,
        scopes text[] not null default '{}',
        warehouse_ids uuid[] not null default '{}',
        active boolean not null default true,
        created_at timestamptz not null default now(),
        last_used_at timestamptz
      );`);
    this.addSql(`
      create table audit_log (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor_type text not null check (actor_type in ('user', 'api_client', 'system', 'anonymous')),
        actor_id text,
        action text not null,
        object_type text,
        object_id text,
        warehouse_id uuid,
        device_id text,
        ip text,
        details jsonb not null default '{}'
      );`);
    this.addSql(`create index audit_log_at_idx on audit_log (at desc);`);
    this.addSql(`create index audit_log_object_idx on audit_log (object_type, object_id);`);
    // Outbox: writers never take a sequence. tx_id orders by transaction, created_at (clock) orders
    // causally-dependent writes; the single relay assigns the per-warehouse seq once a row is below
    // the xmin horizon, so a late committer can never be skipped (see workers/outbox-relay.ts).
    this.addSql(`
      create table outbox (
        id bigint generated always as identity primary key,
        tx_id xid8 not null default pg_current_xact_id(),
        created_at timestamptz not null default clock_timestamp(),
        warehouse_id uuid not null references warehouse(id),
        type text not null,
        rooms text[] not null default '{}',
        payload jsonb not null,
        actor_id text,
        seq bigint,
        relayed_at timestamptz,
        unique (warehouse_id, seq)
      );`);
    this.addSql(`create index outbox_pending_idx on outbox (tx_id, id) where seq is null;`);
    this.addSql(`create index outbox_undelivered_idx on outbox (seq) where seq is not null and relayed_at is null;`);
    this.addSql(`
      create table event_stream (
        warehouse_id uuid primary key references warehouse(id),
        last_seq bigint not null default 0
      );`);
    this.addSql(`
      create function outbox_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('outbox', ''); return null; end $$;`);
    this.addSql(`create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();`);
    this.addSql(`
      create table warehouse_note (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        text text not null,
        created_by uuid references app_user(id),
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table idempotency_key (
        scope text not null,
        key text not null,
        request_hash text not null,
        status_code int,
        response_body jsonb,
        response_headers jsonb,
        locked_until timestamptz,
        created_at timestamptz not null default now(),
        primary key (scope, key)
      );`);
    this.addSql(`create index idempotency_key_created_idx on idempotency_key (created_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table if exists warehouse_note, idempotency_key, event_stream, outbox, audit_log, api_client, refresh_token, app_user, warehouse cascade;`,
    );
    this.addSql(`drop function if exists outbox_notify();`);
  }
}
