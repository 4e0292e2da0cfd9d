import { Migration } from '@mikro-orm/migrations';

/**
 * Tasks, waves, picking and packing (issue 5).
 *
 * - `task`: the one unit of work a person claims (putaway, replenish, pick, pack, count, load, putback).
 *   A pick task is a pick list (one order, or a batch of orders on a cart); its stops are `task_line`
 *   rows in walking order. Invariants held by the database: one active task per person, a lease on
 *   every claimed task, progress never above the quantity.
 * - `wave_template` → `wave` → `wave_order`: which orders are released together and why (allocation log).
 * - `tote`: a reusable container (an LPN code) holding one order's picks on its way to packing.
 * - `box_type`: the box catalogue; `pack_session` + `pack_item`: a pack station verifying one order.
 * - `shipment` (base table) gains the pack details: one shipment per carton.
 * Orders/reservations belong to the orders and inventory contexts and are referenced by id only.
 */
export class Migration20261125000005_tasks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table worker_profile (
        user_id uuid primary key references app_user(id) on delete cascade,
        equipment text[] not null default '{}',
        zone_ids uuid[] not null default '{}',
        last_x_mm int,
        last_y_mm int,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table box_type (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid references warehouse(id),
        code text not null,
        inner_length_mm int not null check (inner_length_mm > 0),
        inner_width_mm int not null check (inner_width_mm > 0),
        inner_height_mm int not null check (inner_height_mm > 0),
        max_weight_g int not null check (max_weight_g > 0),
        tare_g int not null default 0 check (tare_g >= 0 and tare_g < max_weight_g),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique nulls not distinct (warehouse_id, code)
      );`);
    this.addSql(`
      create table wave_template (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        name text not null,
        carrier_codes text[] not null default '{}',
        service_codes text[] not null default '{}',
        zone_ids uuid[] not null default '{}',
        order_profile text not null default 'any' check (order_profile in ('any', 'single_line', 'multi_line')),
        cutoff_within_s int check (cutoff_within_s is null or cutoff_within_s > 0),
        max_orders int not null default 200 check (max_orders between 1 and 5000),
        pick_mode text not null default 'batch' check (pick_mode in ('discrete', 'batch', 'zone')),
        cart_slots int not null default 8 check (cart_slots between 1 and 64),
        streaming boolean not null default false,
        release_every_s int check (release_every_s is null or release_every_s >= 10),
        next_release_at timestamptz,
        priority int not null default 50 check (priority between 0 and 1000),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique (warehouse_id, name)
      );`);
    this.addSql(`
      create table wave (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        template_id uuid references wave_template(id),
        number bigint generated always as identity,
        status text not null default 'planned' check (status in ('planned', 'released', 'picked', 'completed', 'cancelled')),
        pick_mode text not null check (pick_mode in ('discrete', 'batch', 'zone')),
        cart_slots int not null default 8,
        streaming boolean not null default false,
        priority int not null default 50,
        allocation_log jsonb not null default '[]',
        created_by uuid,
        released_by uuid,
        created_at timestamptz not null default now(),
        released_at timestamptz,
        completed_at timestamptz
      );`);
    this.addSql(`create index wave_wh_status_idx on wave (warehouse_id, status, created_at desc);`);
    this.addSql(`
      create table wave_order (
        wave_id uuid not null references wave(id) on delete cascade,
        order_id uuid not null,
        warehouse_id uuid not null references warehouse(id),
        status text not null default 'planned' check (status in ('planned', 'released', 'picked', 'packed', 'removed')),
        line_count int not null default 0,
        unit_count int not null default 0,
        primary key (wave_id, order_id)
      );`);
    // An order is in at most one live wave.
    this.addSql(`create unique index wave_order_live_uq on wave_order (order_id) where status <> 'removed';`);
    this.addSql(`
      create table task (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        type text not null check (type in ('putaway', 'replenish', 'pick', 'pack', 'count', 'load', 'putback')),
        status text not null default 'open' check (status in ('open', 'claimed', 'in_progress', 'done', 'cancelled')),
        priority int not null default 50 check (priority between 0 and 1000),
        roles text[] not null check (cardinality(roles) > 0),
        equipment text,
        zone_id uuid references zone(id),
        wave_id uuid references wave(id),
        order_id uuid,
        reserved_for uuid references app_user(id),
        assignee_id uuid references app_user(id),
        device_id text,
        lease_expires_at timestamptz,
        due_at timestamptz,
        from_location_id uuid references location(id),
        to_location_id uuid references location(id),
        sku_id uuid references sku(id),
        lot text,
        qty int not null default 0 check (qty >= 0),
        qty_done int not null default 0 check (qty_done >= 0 and qty_done <= qty),
        x_mm int,
        y_mm int,
        ref_type text,
        ref_id text,
        exception jsonb,
        details jsonb not null default '{}',
        claim_count int not null default 0,
        version int not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        claimed_at timestamptz,
        completed_at timestamptz,
        check ((status in ('claimed', 'in_progress')) = (assignee_id is not null and lease_expires_at is not null))
      );`);
    this.addSql(`create index task_pool_idx on task (warehouse_id, priority desc, created_at) where status = 'open';`);
    this.addSql(`create index task_lease_idx on task (lease_expires_at) where status in ('claimed', 'in_progress');`);
    this.addSql(`create index task_wave_idx on task (wave_id);`);
    this.addSql(`create index task_order_idx on task (order_id);`);
    // One task at a time per person: the database refuses a second active claim.
    this.addSql(`create unique index task_one_active_uq on task (assignee_id) where status in ('claimed', 'in_progress');`);
    // A putback/count raised for the same reference is raised once (idempotent event consumers).
    this.addSql(
      `create unique index task_ref_uq on task (warehouse_id, type, ref_type, ref_id) where ref_type is not null and status <> 'cancelled';`,
    );
    this.addSql(`
      create table task_line (
        id uuid primary key default gen_random_uuid(),
        task_id uuid not null references task(id) on delete cascade,
        warehouse_id uuid not null references warehouse(id),
        seq int not null,
        order_id uuid,
        order_line_id uuid,
        reservation_id uuid,
        sku_id uuid not null references sku(id),
        location_id uuid not null references location(id),
        lot text,
        expiry date,
        qty int not null check (qty > 0),
        qty_picked int not null default 0 check (qty_picked >= 0),
        qty_short int not null default 0 check (qty_short >= 0),
        tote_code text,
        cart_slot int,
        -- Put-back lines: where the goods are now (a tote on the cart or a packed carton).
        from_location_id uuid references location(id),
        from_lpn_id uuid references license_plate(id),
        status text not null default 'open' check (status in ('open', 'picked', 'short', 'cancelled')),
        picked_by uuid,
        picked_at timestamptz,
        check (qty_picked + qty_short <= qty),
        unique (task_id, seq)
      );`);
    this.addSql(`create index task_line_order_idx on task_line (order_id);`);
    this.addSql(`
      create table tote (
        warehouse_id uuid not null references warehouse(id),
        code text not null check (code ~ '^[A-Z0-9_-]{1,32}$'),
        status text not null default 'free' check (status in ('free', 'in_use', 'at_pack')),
        lpn_id uuid references license_plate(id),
        order_id uuid,
        task_id uuid references task(id),
        updated_at timestamptz not null default now(),
        primary key (warehouse_id, code),
        check ((status = 'free') = (order_id is null))
      );`);
    this.addSql(`create index tote_order_idx on tote (order_id) where order_id is not null;`);
    this.addSql(`
      create table floor_settings (
        warehouse_id uuid primary key references warehouse(id),
        weight_tolerance_pct numeric(5,2) not null default 5 check (weight_tolerance_pct >= 0),
        weight_tolerance_min_g int not null default 20 check (weight_tolerance_min_g >= 0),
        min_support_ratio numeric(3,2) not null default 0.5 check (min_support_ratio between 0 and 1),
        substitution_allowed boolean not null default false,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table pack_session (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        station_code text not null,
        order_id uuid not null,
        packer_id uuid references app_user(id),
        status text not null default 'verifying' check (status in ('verifying', 'verified', 'packed', 'cancelled')),
        tote_codes text[] not null default '{}',
        proposal jsonb,
        expected_weight_g int,
        created_at timestamptz not null default now(),
        packed_at timestamptz
      );`);
    this.addSql(`create unique index pack_session_open_uq on pack_session (order_id) where status in ('verifying', 'verified');`);
    this.addSql(`
      create table pack_item (
        session_id uuid not null references pack_session(id) on delete cascade,
        sku_id uuid not null references sku(id),
        qty_expected int not null check (qty_expected > 0),
        qty_verified int not null default 0 check (qty_verified >= 0 and qty_verified <= qty_expected),
        primary key (session_id, sku_id)
      );`);
    this.addSql(`
      alter table shipment
        add column wave_id uuid references wave(id),
        add column pack_session_id uuid references pack_session(id),
        add column carton_no int,
        add column expected_weight_g int,
        add column contents jsonb not null default '[]',
        add column packed_by uuid,
        add column packed_at timestamptz;`);
    this.addSql(`create unique index shipment_carton_uq on shipment (pack_session_id, carton_no) where pack_session_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table shipment drop column if exists wave_id, drop column if exists pack_session_id, drop column if exists carton_no,
      drop column if exists expected_weight_g, drop column if exists contents, drop column if exists packed_by, drop column if exists packed_at;`);
    this.addSql(
      `drop table if exists pack_item, pack_session, floor_settings, tote, task_line, task, wave_order, wave, wave_template, box_type, worker_profile cascade;`,
    );
  }
}
