import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000001_foundation } from './Migration20261125000001_foundation.js';

/** Every migration, in order. Add new ones at the end (the only way the schema changes). */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000001_foundation', class: Migration20261125000001_foundation },
];
