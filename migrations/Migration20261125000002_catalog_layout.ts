import { Migration } from '@mikro-orm/migrations';

/** Catalog (SKUs, pack levels, barcodes), layout (zones, locations) and shipments: the shared reference data. */
export class Migration20261125000002_catalog_layout extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table zone (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        code text not null,
        name text not null,
        temperature_class text not null default 'ambient' check (temperature_class in ('ambient', 'chilled', 'frozen')),
        unique (warehouse_id, code)
      );`);
    this.addSql(`
      create table location (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        zone_id uuid references zone(id),
        code text not null,
        type text not null check (type in ('dock', 'staging', 'reserve', 'pick_face', 'pack', 'ship', 'quarantine', 'returns', 'virtual')),
        aisle text,
        bay int,
        level int,
        position int,
        x_mm int not null default 0,
        y_mm int not null default 0,
        z_mm int not null default 0,
        max_volume_mm3 bigint check (max_volume_mm3 is null or max_volume_mm3 > 0),
        max_weight_g int check (max_weight_g is null or max_weight_g > 0),
        max_skus int check (max_skus is null or max_skus > 0),
        mixed_lots boolean not null default true,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique (warehouse_id, code),
        unique (warehouse_id, id)
      );`);
    this.addSql(`create index location_code_idx on location (code);`);
    this.addSql(`
      create table sku (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        name_i18n jsonb not null default '{}',
        category text,
        length_mm int not null default 0 check (length_mm >= 0),
        width_mm int not null default 0 check (width_mm >= 0),
        height_mm int not null default 0 check (height_mm >= 0),
        weight_g int not null default 0 check (weight_g >= 0),
        track_lot boolean not null default false,
        track_expiry boolean not null default false,
        track_serial boolean not null default false,
        shelf_life_days int check (shelf_life_days is null or shelf_life_days > 0),
        hazmat_class text,
        storage_condition text not null default 'ambient' check (storage_condition in ('ambient', 'chilled', 'frozen')),
        velocity_class char(1) check (velocity_class in ('A', 'B', 'C')),
        fragile boolean not null default false,
        this_side_up boolean not null default false,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table sku_uom (
        sku_id uuid not null references sku(id) on delete cascade,
        level text not null check (level in ('each', 'inner', 'case', 'pallet')),
        qty_each int not null check (qty_each >= 1),
        gtin text,
        length_mm int not null default 0,
        width_mm int not null default 0,
        height_mm int not null default 0,
        weight_g int not null default 0,
        primary key (sku_id, level)
      );`);
    this.addSql(`
      create table sku_barcode (
        barcode text primary key,
        sku_id uuid not null references sku(id) on delete cascade,
        uom_level text not null default 'each',
        kind text not null check (kind in ('gtin8', 'gtin12', 'gtin13', 'gtin14', 'internal'))
      );`);
    this.addSql(`create index sku_barcode_sku_idx on sku_barcode (sku_id);`);
    this.addSql(`
      create table shipment (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        order_id uuid,
        status text not null default 'created' check (status in ('created', 'packed', 'labelled', 'planned', 'dispatched', 'delivered', 'failed', 'cancelled')),
        carrier_code text,
        service_code text,
        tracking_number text,
        box_id text,
        weight_g int not null default 0 check (weight_g >= 0),
        length_mm int not null default 0,
        width_mm int not null default 0,
        height_mm int not null default 0,
        volume_mm3 bigint not null default 0,
        ship_to jsonb not null default '{}',
        lat double precision,
        lng double precision,
        delivery_date date,
        window_start_s int,
        window_end_s int,
        service_time_s int not null default 300,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index shipment_wh_status_idx on shipment (warehouse_id, status);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists shipment, sku_barcode, sku_uom, sku, location, zone cascade;`);
  }
}
