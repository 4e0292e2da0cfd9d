import type { EntitySchema } from '@mikro-orm/core';
import { IdempotencyKey } from './idempotency-key.entity.js';
export * from './idempotency-key.entity.js';

/** Every table the platform context owns. */
export const platformEntities = [IdempotencyKey] as unknown as EntitySchema[];
