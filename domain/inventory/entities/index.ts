import type { EntitySchema } from '@mikro-orm/core';
import { CountLine } from './count-line.entity.js';
import { CountTask } from './count-task.entity.js';
import { LicensePlate } from './license-plate.entity.js';
import { StockBalance } from './stock-balance.entity.js';
import { StockHold } from './stock-hold.entity.js';
import { StockMovement } from './stock-movement.entity.js';
import { StockReservation } from './stock-reservation.entity.js';
export * from './count-line.entity.js';
export * from './count-task.entity.js';
export * from './license-plate.entity.js';
export * from './stock-balance.entity.js';
export * from './stock-hold.entity.js';
export * from './stock-movement.entity.js';
export * from './stock-reservation.entity.js';

/** Every table the inventory context owns. */
export const inventoryEntities = [
  CountLine,
  CountTask,
  LicensePlate,
  StockBalance,
  StockHold,
  StockMovement,
  StockReservation,
] as unknown as EntitySchema[];
