import { Migration } from '@mikro-orm/migrations';

/**
 * Consolidation window: a packed carton whose order could travel with others waits this long for the carrier
 * decision (the shipping worker re-queues it), so orders for the same consignee packed minutes apart still make one
 * consignment. 0 = decide at once (buying a label always decides at once).
 */
export class Migration20261130021302_consolidation_window extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table shipping_settings add column consolidation_window_s integer not null default 0 check (consolidation_window_s between 0 and 86400);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table shipping_settings drop column if exists consolidation_window_s;`);
  }
}
