import { Migration } from '@mikro-orm/migrations';

/**
 * A scan-confirm that carries a pick task on moves its lease (`lease_expires_at`), its quantity and `updated_at`, and
 * nothing else of the row. task_lease_idx held the lease, so that update could never be HOT (heap-only): every confirm
 * wrote a new entry into each of the task's indexes (issue 19, goal 3: n_tup_hot_upd was 0 of 1,710 task updates
 * under 300 pickers). The sweep of expired leases (releaseExpiredLeases) reads the active tasks through
 * task_one_active_uq instead: the same predicate (claimed or in progress), at most one row per assignee, so a scan
 * of it stays as small as the floor's crew; the lease is a filter on those rows.
 *
 * fillfactor 85 leaves room on each page for the new row versions of a task being picked, which a HOT update needs
 * on the same page. It applies to pages written from now on; rows already there move on their next update.
 */
export class Migration20261201010201_task_update_hot extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists task_lease_idx;`);
    this.addSql(`alter table task set (fillfactor = 85);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table task reset (fillfactor);`);
    this.addSql(
      `create index if not exists task_lease_idx on task using btree (lease_expires_at) where (status = any (array['claimed'::text, 'in_progress'::text]));`,
    );
  }
}
