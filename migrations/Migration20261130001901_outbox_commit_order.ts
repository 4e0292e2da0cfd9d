import { Migration } from '@mikro-orm/migrations';

/**
 * The relay now sequences whatever it sees committed, in insert-clock order (commit order, not an xid
 * horizon: see workers/outbox-relay.ts), so the pending index serves that order instead of tx_id.
 */
export class Migration20261130001901_outbox_commit_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists outbox_pending_idx;`);
    this.addSql(`create index outbox_pending_idx on outbox (created_at, id) where seq is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists outbox_pending_idx;`);
    this.addSql(`create index outbox_pending_idx on outbox (tx_id, id) where seq is null;`);
  }
}
