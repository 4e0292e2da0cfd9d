import type { EntitySchema } from '@mikro-orm/core';
import { DeadLetter } from './dead-letter.entity.js';
import { EventConsumption } from './event-consumption.entity.js';
import { EventStream } from './event-stream.entity.js';
import { Outbox } from './outbox.entity.js';
import { ReconcilerRepair } from './reconciler-repair.entity.js';
export * from './dead-letter.entity.js';
export * from './event-consumption.entity.js';
export * from './event-stream.entity.js';
export * from './outbox.entity.js';
export * from './reconciler-repair.entity.js';

/** Every table the events context owns. */
export const eventsEntities = [DeadLetter, EventConsumption, EventStream, Outbox, ReconcilerRepair] as unknown as EntitySchema[];
