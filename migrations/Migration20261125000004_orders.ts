import { Migration } from '@mikro-orm/migrations';

/**
 * Storefront connectors, webhook deliveries, orders and allocation (issue 4).
 *
 * Schema contract for other contexts (tasks/picking/packing read these tables):
 * - `sales_order` (one per storefront order; `"order"` is reserved in SQL): id, warehouse_id, connector_id,
 *   external_id, status, priority_rank (0 = express, 1 = standard), promise_date, ship_to jsonb, created_at.
 *   Statuses: pending (awaiting allocation) → allocated (every line fully reserved) | backordered (some qty short,
 *   retried when stock arrives) | on_hold (exception, see hold_reason) → released (in a wave) → picking → picked →
 *   packed → shipped (a shipment got its label: the storefront is told, with tracking) → delivered; cancelled from any
 *   stage before shipped. shipment.packed/labelled/delivered events move the status forward (never back).
 * - `order_line`: id, order_id, line_no, sku_id (null while unmapped), qty, allocated_qty (reserved through the
 *   ledger with refType 'order_line', refId = order_line.id), picked_qty, shipped_qty. Backorder = qty - allocated_qty.
 * - `order_log`: the explainable timeline (category 'allocation' = the allocation log).
 * Cancellation rules for put-back: domain/orders/cancellation.ts (`cancelStage`).
 */
export class Migration20261125000004_orders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table connector (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        kind text not null check (kind in ('shopify', 'woocommerce', 'api')),
        name text not null,
        shop_domain text,
        site_url text,
        callback_url text,
        sku_mapping text not null default 'sku' check (sku_mapping in ('sku', 'barcode')),
        webhook_secret_enc text not null,
        api_token_enc text,
        min_shelf_life_days int check (min_shelf_life_days is null or min_shelf_life_days >= 0),
        poll_enabled boolean not null default true,
        poll_interval_s int not null default 300 check (poll_interval_s >= 5),
        poll_cursor timestamptz,
        last_polled_at timestamptz,
        webhooks_enabled boolean not null default true,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique (warehouse_id, name)
      );`);
    // Explicit mapping of a storefront product/variant reference to a SKU (fixes "unknown SKU" holds).
    this.addSql(`
      create table connector_sku_map (
        connector_id uuid not null references connector(id) on delete cascade,
        external_ref text not null,
        sku_id uuid not null references sku(id),
        created_at timestamptz not null default now(),
        primary key (connector_id, external_ref)
      );`);
    this.addSql(`
      create table customer_allocation_rule (
        connector_id uuid not null references connector(id) on delete cascade,
        customer_key text not null,
        min_shelf_life_days int not null check (min_shelf_life_days >= 0),
        primary key (connector_id, customer_key)
      );`);
    // Every inbound delivery, raw, before processing: the webhook acknowledges once this row commits.
    this.addSql(`
      create table webhook_delivery (
        id uuid primary key default gen_random_uuid(),
        connector_id uuid not null references connector(id),
        source text not null check (source in ('shopify', 'woocommerce', 'poll')),
        delivery_id text not null,
        topic text not null,
        raw_body text not null,
        triggered_at timestamptz,
        status text not null default 'received' check (status in ('received', 'processed', 'ignored', 'failed')),
        attempts int not null default 0,
        order_id uuid,
        error text,
        received_at timestamptz not null default now(),
        processed_at timestamptz,
        unique (connector_id, delivery_id)
      );`);
    this.addSql(`create index webhook_delivery_pending_idx on webhook_delivery (received_at) where status = 'received';`);
    this.addSql(`
      create table intake_dead_letter (
        id uuid primary key default gen_random_uuid(),
        connector_id uuid references connector(id),
        warehouse_id uuid not null references warehouse(id),
        source text not null,
        delivery_id text,
        topic text,
        reason text not null,
        raw_body text not null,
        created_at timestamptz not null default now(),
        replayed_at timestamptz,
        replay_result text
      );`);
    this.addSql(`create index intake_dead_letter_wh_idx on intake_dead_letter (warehouse_id, created_at desc);`);
    this.addSql(`
      create table sales_order (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid not null references warehouse(id),
        connector_id uuid references connector(id),
        external_id text not null,
        external_number text,
        source text not null check (source in ('shopify', 'woocommerce', 'api', 'poll')),
        status text not null default 'pending' check (status in ('pending', 'on_hold', 'backordered', 'allocated', 'released', 'picking', 'picked', 'packed', 'shipped', 'delivered', 'cancelled')),
        hold_reason text,
        customer jsonb not null default '{}',
        ship_to jsonb not null default '{}',
        shipping_method text,
        promise_date timestamptz,
        priority_rank smallint not null default 1 check (priority_rank between 0 and 9),
        currency char(3) not null,
        subtotal_minor bigint not null default 0,
        shipping_minor bigint not null default 0,
        tax_minor bigint not null default 0,
        discount_minor bigint not null default 0,
        total_minor bigint not null default 0,
        tags text[] not null default '{}',
        notes text,
        min_shelf_life_days int,
        external_created_at timestamptz,
        external_updated_at timestamptz,
        version int not null default 1,
        cancelled_at timestamptz,
        cancel_reason text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((status = 'on_hold') = (hold_reason is not null))
      );`);
    this.addSql(
      `create unique index sales_order_connector_ext_uq on sales_order (connector_id, external_id) where connector_id is not null;`,
    );
    this.addSql(`create unique index sales_order_wh_ext_uq on sales_order (warehouse_id, external_id) where connector_id is null;`);
    this.addSql(`create index sales_order_list_idx on sales_order (warehouse_id, created_at desc, id desc);`);
    this.addSql(
      `create index sales_order_alloc_idx on sales_order (warehouse_id, priority_rank, promise_date, created_at) where status in ('pending', 'backordered');`,
    );
    this.addSql(`
      create table order_line (
        id uuid primary key default gen_random_uuid(),
        order_id uuid not null references sales_order(id) on delete cascade,
        line_no int not null,
        external_line_id text,
        external_sku text,
        external_ref text,
        barcode text,
        name text not null default '',
        sku_id uuid references sku(id),
        qty int not null check (qty > 0),
        allocated_qty int not null default 0 check (allocated_qty >= 0),
        picked_qty int not null default 0 check (picked_qty >= 0),
        shipped_qty int not null default 0 check (shipped_qty >= 0),
        unit_price_minor bigint not null default 0,
        discount_minor bigint not null default 0,
        check (allocated_qty <= qty and picked_qty <= qty and shipped_qty <= qty),
        unique (order_id, line_no)
      );`);
    this.addSql(`create index order_line_sku_idx on order_line (sku_id) where allocated_qty < qty;`);
    this.addSql(`
      create table order_log (
        id bigint generated always as identity primary key,
        order_id uuid not null references sales_order(id) on delete cascade,
        at timestamptz not null default clock_timestamp(),
        category text not null check (category in ('intake', 'allocation', 'fulfilment', 'cancellation', 'hold')),
        action text not null,
        line_id uuid,
        message text not null,
        data jsonb not null default '{}'
      );`);
    this.addSql(`create index order_log_order_idx on order_log (order_id, id);`);
    // Outbound: storefront callbacks and Standard Webhooks deliveries share one durable retry table.
    this.addSql(`
      create table webhook_subscription (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid references warehouse(id),
        url text not null,
        event_types text[] not null check (cardinality(event_types) > 0),
        secret_enc text not null,
        description text,
        active boolean not null default true,
        created_by text,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table outbound_delivery (
        id uuid primary key default gen_random_uuid(),
        warehouse_id uuid references warehouse(id),
        connector_id uuid references connector(id),
        subscription_id uuid references webhook_subscription(id),
        order_id uuid,
        dedupe_key text not null unique,
        kind text not null check (kind in ('standard', 'shopify', 'woocommerce')),
        event_type text not null,
        event_id text,
        method text not null default 'POST',
        url text not null,
        body jsonb not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_status int,
        last_error text,
        created_at timestamptz not null default now(),
        delivered_at timestamptz,
        check ((connector_id is null) <> (subscription_id is null))
      );`);
    // Subscription fan-out reads the outbox by per-warehouse seq (a pull: no queue job per event).
    this.addSql(`
      create table webhook_dispatch_cursor (
        warehouse_id uuid primary key references warehouse(id),
        last_seq bigint not null default 0
      );`);
    this.addSql(`create index outbound_delivery_due_idx on outbound_delivery (next_attempt_at) where status = 'pending';`);
    this.addSql(`create index outbound_delivery_dead_idx on outbound_delivery (created_at desc) where status = 'dead';`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table if exists webhook_dispatch_cursor, outbound_delivery, webhook_subscription, order_log, order_line, sales_order, intake_dead_letter, webhook_delivery, customer_allocation_rule, connector_sku_map, connector cascade;`,
    );
  }
}
