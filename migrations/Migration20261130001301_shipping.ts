import { Migration } from '@mikro-orm/migrations';

/**
 * Shipping (issue 13): carriers, services and accounts as data; dated, versioned rate cards with zone
 * charts imported from CSV; the carrier decision per shipment; labels with a never-repeating SSCC serial;
 * manifests; normalized tracking events; shipping exceptions; own-fleet delivery areas.
 * Prices are minor units, weights grams, lengths millimetres; a rate card's body is validated by zod
 * (domain/shipping/rate-card.schemas.ts) so a new carrier is rows, not code.
 */
export class Migration20261130001301_shipping extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table shipment drop constraint if exists shipment_status_check;`);
    this.addSql(`alter table shipment add constraint shipment_status_check check (status in
      ('created', 'packed', 'labelled', 'manifested', 'planned', 'dispatched', 'in_transit', 'delivered', 'failed', 'returned', 'cancelled'));`);
    this.addSql(`
      alter table shipment
        add column sscc text unique,
        add column delivery_mode text check (delivery_mode in ('own_fleet', 'parcel', 'consolidation', 'ltl', '3pl')),
        add column promise_date date,
        add column estimated_delivery date,
        add column tracking_status text,
        add column manifest_id uuid,
        add column late_risk boolean not null default false,
        add column selection jsonb,
        add column labelled_at timestamptz,
        add column shipped_at timestamptz;`);
    this.addSql(`create index shipment_wh_created_idx on shipment (warehouse_id, created_at desc, id desc);`);
    this.addSql(`create index shipment_tracking_idx on shipment (carrier_code, tracking_number) where tracking_number is not null;`);
    this.addSql(`
      create table carrier (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        mode text not null check (mode in ('own_fleet', 'parcel', 'ltl', '3pl')),
        tracking_url_template text,
        tracking_prefix text not null default 'DS',
        holidays date[] not null default '{}',
        active boolean not null default true,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table carrier_service (
        id uuid primary key default gen_random_uuid(),
        carrier_id uuid not null references carrier(id),
        code text not null,
        name text not null,
        transit_days_by_zone jsonb not null default '{}',
        default_transit_days int not null default 3 check (default_transit_days >= 0),
        cutoff_local time not null default '17:00',
        time_zone text not null default 'UTC',
        pickup_weekdays int[] not null default '{1,2,3,4,5}',
        delivery_weekdays int[] not null default '{1,2,3,4,5}',
        perishable_ok boolean not null default false,
        max_declared_value_minor bigint,
        active boolean not null default true,
        unique (carrier_id, code)
      );`);
    this.addSql(`
      create table carrier_account (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        carrier_id uuid not null references carrier(id),
        account_number text not null,
        credentials_enc text,
        webhook_secret_enc text,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique (warehouse_id, carrier_id, account_number)
      );`);
    this.addSql(`
      create table zone_chart_row (
        chart_code text not null,
        origin_prefix text not null,
        dest_from text not null,
        dest_to text not null,
        zone text not null,
        primary key (chart_code, origin_prefix, dest_from)
      );`);
    this.addSql(`
      create table rate_card (
        id uuid primary key default gen_random_uuid(),
        carrier_id uuid not null references carrier(id),
        service_code text not null,
        version int not null check (version > 0),
        effective_from date not null,
        effective_to date,
        currency char(3) not null,
        body jsonb not null,
        created_at timestamptz not null default now(),
        unique (carrier_id, service_code, version),
        check (effective_to is null or effective_to > effective_from)
      );`);
    this.addSql(`
      create table delivery_area (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        name text not null,
        center_lat double precision not null,
        center_lng double precision not null,
        radius_m int not null check (radius_m > 0),
        max_stops_per_day int not null default 60 check (max_stops_per_day > 0),
        max_weight_g_per_day int,
        active boolean not null default true,
        unique (warehouse_id, name)
      );`);
    this.addSql(`
      create table shipping_settings (
        warehouse_id uuid primary key references warehouse(id),
        gs1_company_prefix text not null default '0614141' check (gs1_company_prefix ~ '^[0-9]{7,10}$'),
        sscc_extension smallint not null default 0 check (sscc_extension between 0 and 9),
        origin_postal_code text not null default '00000',
        origin_country char(2) not null default 'US',
        ship_from jsonb not null default '{}',
        high_value_minor bigint not null default 50000,
        updated_at timestamptz not null default now()
      );`);
    // The SSCC serial: a sequence never hands a number out twice (rolled-back transactions burn theirs).
    this.addSql(`create sequence sscc_serial_seq minvalue 1 no cycle;`);
    this.addSql(`
      create table shipment_label (
        id uuid primary key default gen_random_uuid(),
        shipment_id uuid not null references shipment(id),
        idempotency_key text,
        carrier_code text not null,
        service_code text not null,
        tracking_number text not null,
        sscc text not null,
        zpl text not null,
        status text not null default 'active' check (status in ('active', 'voided')),
        print_count int not null default 1,
        created_by uuid,
        created_at timestamptz not null default now(),
        voided_at timestamptz,
        unique (carrier_code, tracking_number)
      );`);
    this.addSql(
      `create unique index shipment_label_key_uq on shipment_label (shipment_id, idempotency_key) where idempotency_key is not null;`,
    );
    this.addSql(`create unique index shipment_label_active_uq on shipment_label (shipment_id) where status = 'active';`);
    this.addSql(`
      create table manifest (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        carrier_code text not null,
        ship_date date not null,
        shipment_ids uuid[] not null,
        created_by uuid,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`alter table shipment add constraint shipment_manifest_fk foreign key (manifest_id) references manifest(id);`);
    this.addSql(`
      create table tracking_event (
        id bigserial primary key,
        shipment_id uuid not null references shipment(id),
        status text not null check (status in ('pre_transit', 'in_transit', 'out_for_delivery', 'delivered', 'available_for_pickup', 'failure', 'return_to_sender', 'exception')),
        detail text not null default '',
        location jsonb not null default '{}',
        occurred_at timestamptz not null,
        estimated_delivery date,
        source text not null,
        received_at timestamptz not null default now(),
        unique (shipment_id, status, occurred_at, detail)
      );`);
    this.addSql(`
      create table shipping_exception (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        shipment_id uuid not null references shipment(id),
        kind text not null,
        message text not null,
        created_at timestamptz not null default now(),
        resolved_at timestamptz
      );`);
    this.addSql(`create unique index shipping_exception_open_uq on shipping_exception (shipment_id, kind) where resolved_at is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists shipping_exception, tracking_event, shipment_label, shipping_settings, delivery_area, rate_card,
      zone_chart_row, carrier_account, carrier_service, carrier cascade;`);
    this.addSql(`alter table shipment drop constraint if exists shipment_manifest_fk;`);
    this.addSql(`drop table if exists manifest cascade;`);
    this.addSql(`drop sequence if exists sscc_serial_seq;`);
    this.addSql(`alter table shipment drop column if exists sscc, drop column if exists delivery_mode, drop column if exists promise_date,
      drop column if exists estimated_delivery, drop column if exists tracking_status, drop column if exists manifest_id,
      drop column if exists late_risk, drop column if exists selection, drop column if exists labelled_at, drop column if exists shipped_at;`);
    this.addSql(`alter table shipment drop constraint if exists shipment_status_check;`);
    this.addSql(`alter table shipment add constraint shipment_status_check check (status in
      ('created', 'packed', 'labelled', 'planned', 'dispatched', 'delivered', 'failed', 'cancelled'));`);
  }
}
