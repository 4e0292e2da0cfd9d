import type { EntitySchema } from '@mikro-orm/core';
import { Location } from './location.entity.js';
import { Warehouse } from './warehouse.entity.js';
import { WarehouseNote } from './warehouse-note.entity.js';
import { Zone } from './zone.entity.js';
export * from './location.entity.js';
export * from './warehouse.entity.js';
export * from './warehouse-note.entity.js';
export * from './zone.entity.js';

/** Every table the layout context owns. */
export const layoutEntities = [Location, Warehouse, WarehouseNote, Zone] as unknown as EntitySchema[];
