import { Migration } from '@mikro-orm/migrations';

/**
 * Drop the outbox NOTIFY trigger: NOTIFY takes a cluster-wide lock at commit, which serialised every
 * event-writing transaction (measured: ledger moves 57 → 103 tx/s without it). The relay polls instead.
 */
export class Migration20261125000007_outbox_polling extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger if exists outbox_notify on outbox;`);
    this.addSql(`drop function if exists outbox_notify();`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create function outbox_notify() returns trigger language plpgsql as $$ begin perform pg_notify('outbox', ''); return null; end $$;`,
    );
    this.addSql(`create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();`);
  }
}
