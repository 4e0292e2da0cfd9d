import { Migration } from '@mikro-orm/migrations';

/**
 * The handheld registry and each user's language, kept on the server: a device registered at the dock is
 * known to supervisors (name, warehouse, who used it last, when), and a worker's language follows them to
 * whichever handheld they sign in on.
 */
export class Migration20261130021102_devices_locale extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column if not exists locale text check (locale in ('en', 'zh-CN'));`);
    this.addSql(`
      create table device (
        id text primary key check (length(id) between 1 and 100),
        name text not null check (length(name) between 1 and 40),
        warehouse_id uuid references warehouse(id),
        user_agent text,
        registered_by uuid references app_user(id),
        registered_at timestamptz not null default now(),
        last_user_id uuid references app_user(id),
        last_seen_at timestamptz not null default now()
      );`);
    this.addSql(`create index device_wh_seen_idx on device (warehouse_id, last_seen_at desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists device;`);
    this.addSql(`alter table app_user drop column if exists locale;`);
  }
}
