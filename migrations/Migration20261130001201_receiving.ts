import { Migration } from '@mikro-orm/migrations';

/**
 * Receiving (issue 12): suppliers, purchase orders, ASNs with their lines and expected pallets (SSCC),
 * every receiving scan (the client's key makes a re-sent scan answer instead of receive twice), dock
 * appointments, and the SKU flag that sends a receipt to a quality hold for inspection.
 */
export class Migration20261130001201_receiving extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table sku add column if not exists requires_inspection boolean not null default false;`);
    this.addSql(`
      create table supplier (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        code text,
        lead_time_days int not null default 7 check (lead_time_days >= 0),
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create unique index supplier_name_uq on supplier (lower(name));`);
    this.addSql(`
      create table purchase_order (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        supplier_id uuid not null references supplier(id),
        reference text not null,
        status text not null default 'open' check (status in ('open', 'closed', 'cancelled')),
        expected_at timestamptz,
        created_by uuid,
        created_at timestamptz not null default now(),
        unique (warehouse_id, reference)
      );`);
    this.addSql(`
      create table purchase_order_line (
        id uuid primary key default gen_random_uuid(),
        po_id uuid not null references purchase_order(id) on delete cascade,
        line_no int not null,
        sku_id uuid not null references sku(id),
        qty_ordered int not null check (qty_ordered > 0),
        qty_received int not null default 0 check (qty_received >= 0),
        unique (po_id, line_no)
      );`);
    this.addSql(`
      create table asn (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        supplier_id uuid not null references supplier(id),
        po_id uuid references purchase_order(id),
        reference text not null,
        status text not null default 'expected' check (status in ('expected', 'receiving', 'closed')),
        expected_at timestamptz,
        dock_door text,
        dock_location_id uuid references location(id),
        arrived_at timestamptz,
        closed_at timestamptz,
        stocked_at timestamptz,
        discrepancies jsonb,
        created_by uuid,
        created_at timestamptz not null default now(),
        unique (warehouse_id, reference)
      );`);
    this.addSql(`create index asn_wh_status_idx on asn (warehouse_id, status, created_at desc);`);
    this.addSql(`
      create table asn_line (
        id uuid primary key default gen_random_uuid(),
        asn_id uuid not null references asn(id) on delete cascade,
        line_no int not null,
        sku_id uuid not null references sku(id),
        qty_expected int not null check (qty_expected >= 0),
        qty_received int not null default 0 check (qty_received >= 0),
        qty_damaged int not null default 0 check (qty_damaged >= 0 and qty_damaged <= qty_received),
        lot text,
        expiry date,
        sscc text check (sscc is null or sscc ~ '^[0-9]{18}$'),
        lpn_id uuid references license_plate(id),
        unexpected boolean not null default false,
        unique (asn_id, line_no)
      );`);
    this.addSql(`create index asn_line_sscc_idx on asn_line (sscc) where sscc is not null;`);
    this.addSql(`
      create table asn_scan (
        id uuid primary key default gen_random_uuid(),
        asn_id uuid not null references asn(id) on delete cascade,
        client_key text,
        raw text not null,
        kind text not null check (kind in ('pallet', 'item')),
        line_ids uuid[] not null default '{}',
        lpn_id uuid references license_plate(id),
        location_id uuid references location(id),
        damaged boolean not null default false,
        photo_url text,
        note text,
        user_id uuid,
        result jsonb not null default '{}',
        created_at timestamptz not null default now(),
        unique (asn_id, client_key)
      );`);
    this.addSql(`
      create table dock_appointment (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        dock_door text not null,
        asn_id uuid references asn(id),
        supplier_id uuid references supplier(id),
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        status text not null default 'booked' check (status in ('booked', 'arrived', 'done', 'cancelled')),
        created_at timestamptz not null default now(),
        check (ends_at > starts_at)
      );`);
    this.addSql(`create index dock_appointment_door_idx on dock_appointment (warehouse_id, dock_door, starts_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists dock_appointment, asn_scan, asn_line, asn, purchase_order_line, purchase_order, supplier cascade;`);
    this.addSql(`alter table sku drop column if exists requires_inspection;`);
  }
}
