import { Migration } from '@mikro-orm/migrations';

/**
 * A scan-confirm is one write statement outside any transaction (domain/picking/pick-confirm.ts): when one of its
 * guards does not hold (the task's move, the tote, the reservation, the balance), the statement must fail so that
 * nothing it wrote stays. Its last select calls this, which raises DS409 with the guard's name as the detail; the
 * service answers the same problem as before for each.
 */
export class Migration20261130193001_pick_confirm_refused extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function pick_confirm_refused(p_what text) returns boolean language plpgsql volatile as $$
      begin
        raise exception 'pick confirm refused: %', p_what using errcode = 'DS409', detail = p_what;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists pick_confirm_refused(text);`);
  }
}
