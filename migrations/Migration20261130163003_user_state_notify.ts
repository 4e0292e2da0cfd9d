import { Migration } from '@mikro-orm/migrations';

/**
 * Each API process caches a user's token state ({active, token_version}) for the check on every request
 * (api/auth/user-state.ts, over platform/listen-cache.ts). This trigger keeps that cache exact: a change of either
 * column, or a deleted user, NOTIFYs `dockside_user_state` with the user's id, delivered on commit. Only those
 * changes notify (an admin's disable, role change or sign-out-everywhere), not logins or PIN counters.
 */
export class Migration20261130163003_user_state_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function notify_user_state() returns trigger language plpgsql as $$
      begin
        perform pg_notify('dockside_user_state', old.id::text);
        return null;
      end $$;`);
    this.addSql(`
      create trigger app_user_state after update of active, token_version on app_user for each row
      when (old.active is distinct from new.active or old.token_version is distinct from new.token_version)
      execute function notify_user_state();`);
    this.addSql(`create trigger app_user_state_deleted after delete on app_user for each row execute function notify_user_state();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists app_user_state on app_user;`);
    this.addSql(`drop trigger if exists app_user_state_deleted on app_user;`);
    this.addSql(`drop function if exists notify_user_state();`);
  }
}
