import { Migration } from '@mikro-orm/migrations';

/**
 * Slotting runs (issue 12): the nightly velocity of every SKU per warehouse (picks, units, orders, picks per
 * week, cube-per-order index, ABC class, rank), the re-slotting moves a run proposes (ordered by `seq`, each
 * waiting on the move that empties its destination), and a `move` task type for the handhelds that carry them out.
 */
export class Migration20261130021201_reslot extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table task drop constraint if exists task_type_check;`);
    this.addSql(
      `alter table task add constraint task_type_check check (type in ('putaway', 'replenish', 'pick', 'pack', 'count', 'load', 'putback', 'move'));`,
    );
    this.addSql(`
      create table sku_velocity (
        warehouse_id uuid not null references warehouse(id),
        sku_id uuid not null references sku(id),
        run_id uuid not null references slotting_run(id),
        picks int not null check (picks >= 0),
        units int not null check (units >= 0),
        orders int not null check (orders >= 0),
        picks_per_week numeric(12,3) not null,
        cube_per_order_index numeric(18,3),
        velocity_class char(1) not null check (velocity_class in ('A', 'B', 'C')),
        rank int not null,
        computed_at timestamptz not null default now(),
        primary key (warehouse_id, sku_id)
      );`);
    this.addSql(`create index sku_velocity_class_idx on sku_velocity (warehouse_id, velocity_class, rank);`);
    this.addSql(`
      create table reslot_move (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        run_id uuid not null references slotting_run(id),
        seq int not null check (seq > 0),
        sku_id uuid not null references sku(id),
        kind text not null check (kind in ('relocate', 'promote', 'demote', 'to_buffer', 'from_buffer')),
        from_location_id uuid not null references location(id),
        to_location_id uuid not null references location(id),
        depends_on uuid references reslot_move(id),
        est_saved_mm_per_week bigint not null default 0,
        min_qty int,
        max_qty int,
        status text not null default 'proposed' check (status in ('proposed', 'approved', 'released', 'done', 'rejected', 'superseded')),
        task_id uuid references task(id),
        decided_by uuid references app_user(id),
        decided_at timestamptz,
        done_at timestamptz,
        created_at timestamptz not null default now(),
        constraint reslot_move_run_seq_key unique (run_id, seq)
      );`);
    this.addSql(`create index reslot_move_wh_status_idx on reslot_move (warehouse_id, status);`);
    this.addSql(`create unique index reslot_move_task_uq on reslot_move (task_id) where task_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists reslot_move, sku_velocity cascade;`);
    this.addSql(`delete from task where type = 'move';`);
    this.addSql(`alter table task drop constraint if exists task_type_check;`);
    this.addSql(
      `alter table task add constraint task_type_check check (type in ('putaway', 'replenish', 'pick', 'pack', 'count', 'load', 'putback'));`,
    );
  }
}
