import { Migration } from '@mikro-orm/migrations';

/**
 * A pack session belongs to the packer who holds its lease (domain/packing/pack-lease.ts): another packer scanning
 * the same tote is told who has it, and a session walked away from returns to anyone once its lease runs out.
 */
export class Migration20261130021601_pack_lease extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table pack_session add column lease_expires_at timestamptz;`);
    this.addSql(`update pack_session set lease_expires_at = now() where status in ('verifying', 'verified');`);
    this.addSql(
      `create index pack_session_lease_idx on pack_session (lease_expires_at) where status in ('verifying', 'verified') and packer_id is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists pack_session_lease_idx;`);
    this.addSql(`alter table pack_session drop column if exists lease_expires_at;`);
  }
}
