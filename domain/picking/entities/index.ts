import type { EntitySchema } from '@mikro-orm/core';
import { Tote } from './tote.entity.js';
import { Wave } from './wave.entity.js';
import { WaveOrder } from './wave-order.entity.js';
import { WaveTemplate } from './wave-template.entity.js';
export * from './tote.entity.js';
export * from './wave.entity.js';
export * from './wave-order.entity.js';
export * from './wave-template.entity.js';

/** Every table the picking context owns. */
export const pickingEntities = [Tote, Wave, WaveOrder, WaveTemplate] as unknown as EntitySchema[];
