import { Migration } from '@mikro-orm/migrations';

/**
 * Badge PIN lockout (issue 15): a 4-digit PIN falls to 10 000 guesses, so failures are counted per user and the
 * badge is locked with a growing backoff after a few in a row (domain/identity/badge-lockout.ts).
 */
export class Migration20261130001501_badge_lockout extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column pin_failures int not null default 0, add column pin_locked_until timestamptz;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table app_user drop column if exists pin_failures, drop column if exists pin_locked_until;`);
  }
}
