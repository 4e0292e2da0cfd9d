import { Migration } from '@mikro-orm/migrations';

/**
 * The rules a real fleet has (issue 17), per vehicle: pallet capacity (null = no pallet limit),
 * skills (refrigerated, tail_lift, hazmat …), driver breaks as [{id, startS, endS, durationS}]
 * (a break window and its length), the longest route in metres, and open routes that end at
 * their last stop instead of driving back to the depot.
 */
export class Migration20261130001701_vehicle_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table vehicle
        add column capacity_pallets int check (capacity_pallets >= 0),
        add column skills text[] not null default '{}',
        add column breaks jsonb not null default '[]',
        add column max_distance_m int check (max_distance_m > 0),
        add column open_route boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table vehicle
        drop column capacity_pallets, drop column skills, drop column breaks, drop column max_distance_m, drop column open_route;`);
  }
}
