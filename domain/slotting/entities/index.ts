import type { EntitySchema } from '@mikro-orm/core';
import { PickFace } from './pick-face.entity.js';
import { ReslotMove } from './reslot-move.entity.js';
import { SkuVelocity } from './sku-velocity.entity.js';
import { SlottingRun } from './slotting-run.entity.js';
export * from './pick-face.entity.js';
export * from './reslot-move.entity.js';
export * from './sku-velocity.entity.js';
export * from './slotting-run.entity.js';

/** Every table the slotting context owns. */
export const slottingEntities = [PickFace, SlottingRun, SkuVelocity, ReslotMove] as unknown as EntitySchema[];
