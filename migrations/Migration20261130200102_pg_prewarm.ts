import { Migration } from '@mikro-orm/migrations';

/**
 * pg_prewarm (contrib), for the API's start: it asks the kernel to read the relations a scan resolve reads
 * (domain/inventory/scan-prewarm.ts), so the first scans after a reboot do not wait on the disk (issue 19, goal 5).
 * Creating it needs a superuser, or the contrib package may be missing: then the migration notes it and the API
 * starts without prewarming, as before.
 */
export class Migration20261130200102_pg_prewarm extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$
begin
  create extension if not exists pg_prewarm;
exception when others then
  raise notice 'pg_prewarm not created (%): the API will not prewarm the scan relations', sqlerrm;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop extension if exists pg_prewarm;`);
  }
}
