import { Migration } from '@mikro-orm/migrations';

/** Storefront connectors, webhook deliveries, orders and allocation (issue 4). */
export class Migration20261125000004_orders extends Migration {
  override async up(): Promise<void> {
    // filled in by the owning context
  }

  override async down(): Promise<void> {}
}
