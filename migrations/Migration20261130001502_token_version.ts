import { Migration } from '@mikro-orm/migrations';

/**
 * Token version (issue 15): access tokens carry the user's token version; disabling a user, changing their roles or
 * warehouses, or revoking their sessions bumps it, and the API refuses older tokens (api/auth/user-state.ts).
 */
export class Migration20261130001502_token_version extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column token_version int not null default 0;`);
    this.addSql(`alter table api_client add column revoked_at timestamptz;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table app_user drop column if exists token_version;`);
    this.addSql(`alter table api_client drop column if exists revoked_at;`);
  }
}
