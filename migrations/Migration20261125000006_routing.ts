import { Migration } from '@mikro-orm/migrations';

/** Route plans, vehicles and stops (issue 6). */
export class Migration20261125000006_routing extends Migration {
  override async up(): Promise<void> {
    // filled in by the owning context
  }

  override async down(): Promise<void> {}
}
