import { Migration } from '@mikro-orm/migrations';

/**
 * Route plans, vehicles and stops (issue 6). Times of day are seconds since local midnight of the
 * delivery date (the unit of shipment.window_start_s); money is in minor currency units.
 */
export class Migration20261125000006_routing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table vehicle (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        code text not null,
        name text not null,
        capacity_weight_g int not null check (capacity_weight_g > 0),
        capacity_volume_mm3 bigint not null check (capacity_volume_mm3 > 0),
        cost_per_km_minor int not null default 0 check (cost_per_km_minor >= 0),
        cost_per_hour_minor int not null default 0 check (cost_per_hour_minor >= 0),
        fixed_cost_minor int not null default 0 check (fixed_cost_minor >= 0),
        shift_start_s int not null check (shift_start_s >= 0),
        shift_end_s int not null,
        max_duration_s int check (max_duration_s is null or max_duration_s > 0),
        depot_lat double precision not null check (depot_lat between -90 and 90),
        depot_lng double precision not null check (depot_lng between -180 and 180),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        check (shift_end_s > shift_start_s),
        unique (warehouse_id, code)
      );`);
    this.addSql(`
      create table driver (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        user_id uuid not null unique references app_user(id),
        name text not null,
        vehicle_id uuid unique references vehicle(id),
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table route_plan (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        delivery_date date not null,
        status text not null default 'queued' check (status in ('queued', 'solving', 'solved', 'failed', 'cancelled')),
        version int not null default 1 check (version >= 1),
        solved_version int,
        vehicle_ids uuid[],
        broken_vehicle_ids uuid[] not null default '{}',
        time_limit_s int not null check (time_limit_s between 1 and 600),
        seed int not null default 1,
        cancel_requested boolean not null default false,
        best_cost double precision,
        cost double precision,
        distance_m double precision,
        duration_s double precision,
        vehicles_used int,
        iterations bigint,
        unassigned_shipment_ids uuid[] not null default '{}',
        error text,
        created_by uuid,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index route_plan_wh_date_idx on route_plan (warehouse_id, delivery_date, created_at desc);`);
    this.addSql(`
      create table route (
        id uuid primary key default gen_random_uuid(),
        plan_id uuid not null references route_plan(id) on delete cascade,
        warehouse_id uuid not null references warehouse(id),
        vehicle_id uuid not null references vehicle(id),
        driver_id uuid references driver(id),
        status text not null default 'planned' check (status in ('planned', 'dispatched', 'completed', 'broken_down')),
        start_s double precision not null,
        end_s double precision not null,
        load_weight_g bigint not null default 0 check (load_weight_g >= 0),
        load_volume_mm3 bigint not null default 0 check (load_volume_mm3 >= 0),
        distance_m double precision not null default 0 check (distance_m >= 0),
        duration_s double precision not null default 0 check (duration_s >= 0),
        cost double precision not null default 0,
        dispatched_at timestamptz,
        unique (plan_id, vehicle_id)
      );`);
    this.addSql(`
      create table route_stop (
        id uuid primary key default gen_random_uuid(),
        plan_id uuid not null references route_plan(id) on delete cascade,
        route_id uuid not null references route(id) on delete cascade,
        warehouse_id uuid not null references warehouse(id),
        shipment_id uuid not null references shipment(id),
        seq int not null check (seq >= 1),
        status text not null default 'planned' check (status in ('planned', 'dispatched', 'delivered', 'failed')),
        arrival_s double precision not null,
        eta_s double precision not null,
        departure_s double precision not null,
        load_after_weight_g bigint not null default 0,
        load_after_volume_mm3 bigint not null default 0,
        failure_reason text,
        completed_at timestamptz,
        check ((status = 'failed') = (failure_reason is not null)),
        unique (plan_id, shipment_id),
        constraint route_stop_seq_uq unique (route_id, seq) deferrable initially deferred
      );`);
    this.addSql(`create index route_stop_route_idx on route_stop (route_id, seq);`);
    this.addSql(`create index shipment_own_fleet_day_idx on shipment (warehouse_id, delivery_date) where carrier_code = 'own-fleet';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists shipment_own_fleet_day_idx;`);
    this.addSql(`drop table if exists route_stop, route, route_plan, driver, vehicle cascade;`);
  }
}
