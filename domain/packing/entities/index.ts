import type { EntitySchema } from '@mikro-orm/core';
import { BoxType } from './box-type.entity.js';
import { FloorSettings } from './floor-settings.entity.js';
import { PackItem } from './pack-item.entity.js';
import { PackSession } from './pack-session.entity.js';
export * from './box-type.entity.js';
export * from './floor-settings.entity.js';
export * from './pack-item.entity.js';
export * from './pack-session.entity.js';

/** Every table the packing context owns. */
export const packingEntities = [BoxType, FloorSettings, PackItem, PackSession] as unknown as EntitySchema[];
