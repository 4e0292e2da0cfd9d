import { Migration } from '@mikro-orm/migrations';

/**
 * Who may ping a vehicle, and which route room the ping goes to, is cached in each API process
 * (platform/listen-cache.ts). These triggers keep that cache exact: any change to a vehicle, its
 * driver or its routes NOTIFYs `dockside_vehicle_context` with the vehicle id, delivered on commit.
 */
export class Migration20261130021401_vehicle_context_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function notify_vehicle_context() returns trigger language plpgsql as $$
      declare
        before_id uuid;
        after_id uuid;
      begin
        if tg_table_name = 'vehicle' then
          before_id := case when tg_op <> 'INSERT' then old.id end;
          after_id := case when tg_op <> 'DELETE' then new.id end;
        else
          before_id := case when tg_op <> 'INSERT' then old.vehicle_id end;
          after_id := case when tg_op <> 'DELETE' then new.vehicle_id end;
        end if;
        if before_id is not null then perform pg_notify('dockside_vehicle_context', before_id::text); end if;
        if after_id is not null and after_id is distinct from before_id then perform pg_notify('dockside_vehicle_context', after_id::text); end if;
        return null;
      end $$;`);
    this.addSql(`
      create trigger route_vehicle_context after insert or delete or update of status, driver_id, vehicle_id, dispatched_at, started_at
      on route for each row execute function notify_vehicle_context();`);
    this.addSql(`
      create trigger driver_vehicle_context after insert or delete or update of vehicle_id, user_id
      on driver for each row execute function notify_vehicle_context();`);
    this.addSql(`
      create trigger vehicle_context after insert or delete or update of warehouse_id
      on vehicle for each row execute function notify_vehicle_context();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists route_vehicle_context on route;`);
    this.addSql(`drop trigger if exists driver_vehicle_context on driver;`);
    this.addSql(`drop trigger if exists vehicle_context on vehicle;`);
    this.addSql(`drop function if exists notify_vehicle_context();`);
  }
}
