import { Migration } from '@mikro-orm/migrations';

/**
 * Shipping (issue 13), second part:
 * - `consignment`: packed cartons of several orders for the same consignee at the same address travel as one
 *   consignment (one quote over all their parcels, one carrier decision); the decision and its reason are kept here
 *   and every carton points at it (`shipment.consignment_id`). `ship_to_key(jsonb)` is the one normalisation of a
 *   ship-to used to find such orders (country, postal code and street lines without spacing or case, consignee).
 * - the quoted cost of each carton (its share of the consignment's price), for cost per parcel in the scorecard;
 * - warehouse rules: consolidate or not, how many days perishables may travel, and the scorecard's on-time bar (a
 *   carrier below it, over enough parcels, is counted a day late when the promise date is weighed);
 * - who took a manifest's parcels at handover (a 3PL's driver, a carrier's pickup).
 */
export class Migration20261130021301_consolidation_scorecard extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function ship_to_key(j jsonb) returns text language sql immutable parallel safe as $$
        select upper(coalesce(j->>'countryCode', '')) || '|' ||
          upper(regexp_replace(coalesce(j->>'postcode', ''), '[^A-Za-z0-9]', '', 'g')) || '|' ||
          lower(regexp_replace(btrim(coalesce(j->>'address1', '')), '\\s+', ' ', 'g')) || '|' ||
          lower(regexp_replace(btrim(coalesce(j->>'address2', '')), '\\s+', ' ', 'g')) || '|' ||
          lower(regexp_replace(btrim(coalesce(nullif(j->>'company', ''), j->>'name', '')), '\\s+', ' ', 'g'))
      $$;`);
    this.addSql(`
      create table consignment (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        consolidation_key text not null,
        delivery_mode text not null check (delivery_mode in ('own_fleet', 'parcel', 'consolidation', 'ltl', '3pl')),
        carrier_code text not null,
        service_code text not null,
        order_ids uuid[] not null,
        shipment_ids uuid[] not null,
        total_minor integer not null check (total_minor >= 0),
        currency char(3) not null,
        reason text not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index consignment_wh_created_idx on consignment (warehouse_id, created_at desc);`);
    this.addSql(`
      alter table shipment
        add column consignment_id uuid references consignment(id),
        add column quoted_cost_minor integer check (quoted_cost_minor is null or quoted_cost_minor >= 0),
        add column quoted_currency char(3);`);
    this.addSql(`
      alter table shipping_settings
        add column consolidate_orders boolean not null default true,
        add column perishable_max_transit_days integer not null default 1 check (perishable_max_transit_days >= 0),
        add column min_on_time_rate double precision not null default 0.9 check (min_on_time_rate between 0 and 1),
        add column scorecard_min_parcels integer not null default 20 check (scorecard_min_parcels > 0);`);
    this.addSql(`alter table manifest add column handed_over_to jsonb;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table manifest drop column if exists handed_over_to;`);
    this.addSql(`alter table shipping_settings drop column if exists consolidate_orders, drop column if exists perishable_max_transit_days,
      drop column if exists min_on_time_rate, drop column if exists scorecard_min_parcels;`);
    this.addSql(
      `alter table shipment drop column if exists consignment_id, drop column if exists quoted_cost_minor, drop column if exists quoted_currency;`,
    );
    this.addSql(`drop table if exists consignment;`);
    this.addSql(`drop function if exists ship_to_key(jsonb);`);
  }
}
