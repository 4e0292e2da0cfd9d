import { Migration } from '@mikro-orm/migrations';

/**
 * Live dispatch (issue 14): driver position pings, proof of delivery with its policy per delivery
 * method, arrival and customer-notice bookkeeping on stops, tracking links, and the return
 * expectations a failed delivery leaves for the warehouse.
 */
export class Migration20261130001401_dispatch_live extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table driver_position (
        id bigserial primary key,
        warehouse_id uuid not null references warehouse(id),
        vehicle_id uuid not null references vehicle(id),
        driver_id uuid references driver(id),
        route_id uuid references route(id) on delete set null,
        lat double precision not null check (lat between -90 and 90),
        lng double precision not null check (lng between -180 and 180),
        accuracy_m double precision check (accuracy_m is null or accuracy_m >= 0),
        speed_mps double precision check (speed_mps is null or speed_mps >= 0),
        heading_deg double precision,
        recorded_at timestamptz not null,
        received_at timestamptz not null default now()
      );`);
    this.addSql(`create index driver_position_vehicle_idx on driver_position (vehicle_id, recorded_at desc);`);
    this.addSql(`alter table vehicle add column fuel text not null default 'diesel' check (fuel in ('diesel', 'petrol', 'electric'));`);
    this.addSql(`alter table route add column started_at timestamptz;`);
    this.addSql(`
      alter table route_stop
        add column arrived_at timestamptz,
        add column failure_code text,
        add column notified_eta_s double precision,
        add column nearby_notified_at timestamptz,
        add column delayed_notified_at timestamptz;`);
    this.addSql(`
      create table pod_policy (
        warehouse_id uuid not null references warehouse(id),
        delivery_method text not null,
        photo text not null default 'optional' check (photo in ('required', 'optional', 'off')),
        signature text not null default 'optional' check (signature in ('required', 'optional', 'off')),
        recipient_name text not null default 'optional' check (recipient_name in ('required', 'optional', 'off')),
        notes text not null default 'optional' check (notes in ('required', 'optional', 'off')),
        updated_at timestamptz not null default now(),
        primary key (warehouse_id, delivery_method)
      );`);
    this.addSql(`
      create table proof_of_delivery (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        stop_id uuid not null references route_stop(id) on delete cascade,
        shipment_id uuid not null references shipment(id),
        outcome text not null check (outcome in ('delivered', 'failed')),
        photo text,
        signature text,
        recipient_name text,
        notes text,
        lat double precision,
        lng double precision,
        distance_m double precision check (distance_m is null or distance_m >= 0),
        captured_at timestamptz not null,
        created_by uuid,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index proof_of_delivery_stop_idx on proof_of_delivery (stop_id);`);
    this.addSql(`
      create table tracking_link (
        token text primary key,
        shipment_id uuid not null unique references shipment(id),
        warehouse_id uuid not null references warehouse(id),
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table return_expectation (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        shipment_id uuid not null unique references shipment(id),
        stop_id uuid references route_stop(id) on delete set null,
        reason_code text not null,
        asn_id uuid references asn(id),
        status text not null default 'expected' check (status in ('expected', 'received', 'cancelled')),
        created_at timestamptz not null default now(),
        received_at timestamptz
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists return_expectation, tracking_link, proof_of_delivery, pod_policy, driver_position cascade;`);
    this.addSql(`alter table route_stop drop column arrived_at, drop column failure_code, drop column notified_eta_s,
      drop column nearby_notified_at, drop column delayed_notified_at;`);
    this.addSql(`alter table route drop column started_at;`);
    this.addSql(`alter table vehicle drop column fuel;`);
  }
}
