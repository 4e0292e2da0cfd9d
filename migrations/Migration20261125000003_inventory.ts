import { Migration } from '@mikro-orm/migrations';

/** Inventory ledger, balances, reservations, license plates, holds and counts (issue 3). */
export class Migration20261125000003_inventory extends Migration {
  override async up(): Promise<void> {
    // filled in by the owning context
  }

  override async down(): Promise<void> {}
}
