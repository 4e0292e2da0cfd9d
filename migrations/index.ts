import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000001_foundation } from './Migration20261125000001_foundation.js';
import { Migration20261125000002_catalog_layout } from './Migration20261125000002_catalog_layout.js';
import { Migration20261125000003_inventory } from './Migration20261125000003_inventory.js';
import { Migration20261125000004_orders } from './Migration20261125000004_orders.js';
import { Migration20261125000005_tasks } from './Migration20261125000005_tasks.js';
import { Migration20261125000006_routing } from './Migration20261125000006_routing.js';
import { Migration20261125000007_outbox_polling } from './Migration20261125000007_outbox_polling.js';
import { Migration20261130001201_receiving } from './Migration20261130001201_receiving.js';
import { Migration20261130001202_slotting } from './Migration20261130001202_slotting.js';
import { Migration20261130001301_shipping } from './Migration20261130001301_shipping.js';
import { Migration20261130001401_dispatch_live } from './Migration20261130001401_dispatch_live.js';
import { Migration20261130001501_badge_lockout } from './Migration20261130001501_badge_lockout.js';
import { Migration20261130001502_token_version } from './Migration20261130001502_token_version.js';
import { Migration20261130001601_reliability } from './Migration20261130001601_reliability.js';
import { Migration20261130001701_vehicle_rules } from './Migration20261130001701_vehicle_rules.js';
import { Migration20261130021601_pack_lease } from './Migration20261130021601_pack_lease.js';
import { Migration20261130001901_outbox_commit_order } from './Migration20261130001901_outbox_commit_order.js';
import { Migration20261130021101_scan_resolve_gtin_forms } from './Migration20261130021101_scan_resolve_gtin_forms.js';
import { Migration20261130021301_consolidation_scorecard } from './Migration20261130021301_consolidation_scorecard.js';
import { Migration20261130021201_reslot } from './Migration20261130021201_reslot.js';
import { Migration20261130021701_stop_rules } from './Migration20261130021701_stop_rules.js';

/** Every migration, in order. Add new ones at the end (the only way the schema changes). */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000001_foundation', class: Migration20261125000001_foundation },
  { name: 'Migration20261125000002_catalog_layout', class: Migration20261125000002_catalog_layout },
  { name: 'Migration20261125000003_inventory', class: Migration20261125000003_inventory },
  { name: 'Migration20261125000004_orders', class: Migration20261125000004_orders },
  { name: 'Migration20261125000005_tasks', class: Migration20261125000005_tasks },
  { name: 'Migration20261125000006_routing', class: Migration20261125000006_routing },
  { name: 'Migration20261125000007_outbox_polling', class: Migration20261125000007_outbox_polling },
  { name: 'Migration20261130001201_receiving', class: Migration20261130001201_receiving },
  { name: 'Migration20261130001202_slotting', class: Migration20261130001202_slotting },
  { name: 'Migration20261130001301_shipping', class: Migration20261130001301_shipping },
  { name: 'Migration20261130001401_dispatch_live', class: Migration20261130001401_dispatch_live },
  { name: 'Migration20261130001501_badge_lockout', class: Migration20261130001501_badge_lockout },
  { name: 'Migration20261130001502_token_version', class: Migration20261130001502_token_version },
  { name: 'Migration20261130001601_reliability', class: Migration20261130001601_reliability },
  { name: 'Migration20261130001701_vehicle_rules', class: Migration20261130001701_vehicle_rules },
  { name: 'Migration20261130001901_outbox_commit_order', class: Migration20261130001901_outbox_commit_order },
  { name: 'Migration20261130021101_scan_resolve_gtin_forms', class: Migration20261130021101_scan_resolve_gtin_forms },
  { name: 'Migration20261130021601_pack_lease', class: Migration20261130021601_pack_lease },
  { name: 'Migration20261130021301_consolidation_scorecard', class: Migration20261130021301_consolidation_scorecard },
  { name: 'Migration20261130021201_reslot', class: Migration20261130021201_reslot },
  { name: 'Migration20261130021701_stop_rules', class: Migration20261130021701_stop_rules },
];
