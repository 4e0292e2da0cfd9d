import { cursorParam } from '../shared/cursor.js';
import { z } from 'zod';
import { roleSchema } from '../shared/roles.js';
import { taskLifecycle } from './task.lifecycle.js';

export const TASK_TYPES = ['putaway', 'replenish', 'pick', 'pack', 'count', 'load', 'putback', 'move'] as const;
/** From the task lifecycle's transition table (`task.lifecycle.ts`). */
export const TASK_STATUSES = taskLifecycle.states;
export const taskTypeSchema = z.enum(TASK_TYPES);
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskType = z.infer<typeof taskTypeSchema>;
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Who may do each task type by default (interleaving: a receiver near a replenishment may take it). */
export const DEFAULT_TASK_ROLES: Record<TaskType, z.infer<typeof roleSchema>[]> = {
  putaway: ['receiver'],
  replenish: ['receiver', 'picker'],
  pick: ['picker'],
  pack: ['packer'],
  count: ['receiver', 'picker', 'supervisor'],
  load: ['receiver', 'dispatcher'],
  putback: ['picker', 'receiver'],
  /** Re-slotting: a SKU's stock moves from one location to another (domain/slotting/reslot.service.ts). */
  move: ['receiver', 'picker'],
};

export const taskLineView = z.object({
  id: z.string(),
  seq: z.number().int(),
  orderId: z.string().nullable(),
  orderLineId: z.string().nullable(),
  skuId: z.string(),
  skuCode: z.string(),
  locationId: z.string(),
  locationCode: z.string(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  qty: z.number().int(),
  qtyPicked: z.number().int(),
  qtyShort: z.number().int(),
  toteCode: z.string().nullable(),
  cartSlot: z.number().int().nullable(),
  status: z.enum(['open', 'picked', 'short', 'cancelled']),
});
export type TaskLineView = z.infer<typeof taskLineView>;

export const taskView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  type: taskTypeSchema,
  status: taskStatusSchema,
  priority: z.number().int(),
  roles: z.array(z.string()),
  equipment: z.string().nullable(),
  zoneId: z.string().nullable(),
  waveId: z.string().nullable(),
  orderId: z.string().nullable(),
  reservedFor: z.string().nullable(),
  assigneeId: z.string().nullable(),
  leaseExpiresAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  fromLocationId: z.string().nullable(),
  toLocationId: z.string().nullable(),
  skuId: z.string().nullable(),
  lot: z.string().nullable(),
  qty: z.number().int(),
  qtyDone: z.number().int(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  exception: z.record(z.string(), z.unknown()).nullable(),
  details: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  createdAt: z.string(),
  claimedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  lines: z.array(taskLineView).optional(),
});
export type TaskView = z.infer<typeof taskView>;

export const createTaskBody = z.object({
  type: taskTypeSchema,
  priority: z.number().int().min(0).max(1000).default(50),
  roles: z.array(roleSchema).min(1).optional(),
  equipment: z.string().min(1).max(40).optional(),
  zoneId: z.uuid().optional(),
  reservedFor: z.uuid().optional(),
  dueAt: z.iso.datetime().optional(),
  fromLocationId: z.uuid().optional(),
  toLocationId: z.uuid().optional(),
  skuId: z.uuid().optional(),
  lot: z.string().max(40).optional(),
  qty: z.number().int().min(0).max(1_000_000).default(0),
  refType: z.string().max(40).optional(),
  refId: z.string().max(80).optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type CreateTaskInput = z.input<typeof createTaskBody> & {
  waveId?: string;
  orderId?: string;
  orderIds?: string[];
  xMm?: number;
  yMm?: number;
  lineCount?: number;
};

export const claimBody = z.object({
  warehouseId: z.uuid(),
  deviceId: z.string().max(64).optional(),
  /** Restrict to these task types (e.g. a packer's station asks only for 'pack'). */
  types: z.array(taskTypeSchema).min(1).optional(),
  /** Restrict to these zones for this claim (else the worker profile's zones, else any). */
  zoneIds: z.array(z.uuid()).optional(),
});
export type ClaimInput = z.infer<typeof claimBody>;

export const completeBody = z.object({ qtyDone: z.number().int().min(0).optional(), note: z.string().max(500).optional() });
export const exceptionBody = z.object({ code: z.string().min(1).max(40), detail: z.string().min(1).max(500) });
export const reassignBody = z.object({ userId: z.uuid().nullable() });
export const reprioritiseBody = z.object({ priority: z.number().int().min(0).max(1000) });
export const cancelBody = z.object({ reason: z.string().min(1).max(200) });
export const workerProfileBody = z.object({ equipment: z.array(z.string().min(1).max(40)).max(20), zoneIds: z.array(z.uuid()).max(50) });

export const listTasksQuery = z.object({
  status: taskStatusSchema.optional(),
  type: taskTypeSchema.optional(),
  waveId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;
