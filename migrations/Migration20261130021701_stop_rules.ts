import { Migration } from '@mikro-orm/migrations';

/**
 * Stop-side routing rules (issue 17), per shipment: the skills its stop needs (refrigerated,
 * tail_lift, hazmat …), its pallets, a priority 0–9 (lower priorities are dropped first when the
 * day cannot hold every stop) and whether it is optional, with the penalty (minor units) that
 * leaving it out costs. A plan keeps why each left-out shipment was left out, and each route
 * where its driver breaks go ([{id, afterStop, startS, endS}]).
 */
export class Migration20261130021701_stop_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table shipment
        add column required_skills text[] not null default '{}',
        add column pallets int not null default 0 check (pallets >= 0),
        add column delivery_priority int not null default 0 check (delivery_priority between 0 and 9),
        add column optional_stop boolean not null default false,
        add column drop_penalty_minor bigint check (drop_penalty_minor >= 0),
        add constraint shipment_optional_penalty_ck check (not optional_stop or drop_penalty_minor is not null);`);
    this.addSql(`alter table route_plan add column unassigned jsonb not null default '[]';`);
    this.addSql(`alter table route add column breaks jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table route drop column breaks;`);
    this.addSql(`alter table route_plan drop column unassigned;`);
    this.addSql(`
      alter table shipment
        drop constraint shipment_optional_penalty_ck, drop column required_skills, drop column pallets,
        drop column delivery_priority, drop column optional_stop, drop column drop_penalty_minor;`);
  }
}
