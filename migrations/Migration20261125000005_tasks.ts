import { Migration } from '@mikro-orm/migrations';

/** Tasks, waves, picking and packing (issue 5). */
export class Migration20261125000005_tasks extends Migration {
  override async up(): Promise<void> {
    // filled in by the owning context
  }

  override async down(): Promise<void> {}
}
