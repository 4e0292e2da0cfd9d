import type { EntitySchema } from '@mikro-orm/core';
import { PickFace } from './pick-face.entity.js';
import { SlottingRun } from './slotting-run.entity.js';
export * from './pick-face.entity.js';
export * from './slotting-run.entity.js';

/** Every table the slotting context owns. */
export const slottingEntities = [PickFace, SlottingRun] as unknown as EntitySchema[];
