import { Migration } from '@mikro-orm/migrations';

/**
 * Putaway, slotting and replenishment (issue 12): zones say whether hazmat may be stored there, locations
 * whether they are in the golden zone (waist to shoulder height, the fastest to pick from), pick faces
 * carry their SKU and min/max, SKUs their computed velocity (picks per week, cube-per-order index), and
 * the database allows one live replenishment per pick face and SKU (the race of 20 picks makes one task).
 */
export class Migration20261130001202_slotting extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table zone add column if not exists hazmat_allowed boolean not null default false;`);
    this.addSql(`alter table location add column if not exists golden_zone boolean not null default false;`);
    this.addSql(`alter table sku add column if not exists picks_per_week numeric(12,3);`);
    this.addSql(`alter table sku add column if not exists cube_per_order_index numeric(18,3);`);
    this.addSql(`alter table sku add column if not exists velocity_updated_at timestamptz;`);
    this.addSql(`
      create table pick_face (
        location_id uuid primary key references location(id),
        warehouse_id uuid not null references warehouse(id),
        sku_id uuid not null references sku(id),
        min_qty int not null check (min_qty >= 0),
        max_qty int not null check (max_qty > 0),
        updated_at timestamptz not null default now(),
        check (min_qty < max_qty)
      );`);
    this.addSql(`create index pick_face_sku_idx on pick_face (warehouse_id, sku_id);`);
    this.addSql(
      `create unique index task_replenish_live_uq on task (to_location_id, sku_id) where type = 'replenish' and status in ('open', 'claimed', 'in_progress');`,
    );
    this.addSql(`
      create table slotting_run (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        kind text not null check (kind in ('velocity', 'reslot')),
        summary jsonb not null default '{}',
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index slotting_run_wh_idx on slotting_run (warehouse_id, kind, created_at desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists slotting_run, pick_face cascade;`);
    this.addSql(`drop index if exists task_replenish_live_uq;`);
    this.addSql(`alter table zone drop column if exists hazmat_allowed;`);
    this.addSql(`alter table location drop column if exists golden_zone;`);
    this.addSql(
      `alter table sku drop column if exists picks_per_week, drop column if exists cube_per_order_index, drop column if exists velocity_updated_at;`,
    );
  }
}
