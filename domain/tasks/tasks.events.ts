import { z } from 'zod';

/**
 * Domain events of the floor (tasks, waves, picking, packing): `context.noun.pastVerb` → payload schema.
 * Task events go to `warehouse:<id>` (supervisor board), `task:<id>` and the assignee's `user:<id>`.
 */
const id = z.string().min(1);
const taskRef = {
  taskId: id,
  type: z.string(),
  status: z.string(),
  priority: z.number().int(),
  assigneeId: id.nullable(),
  waveId: id.nullable().optional(),
  orderIds: z.array(id).optional(),
};

export const tasksEvents = {
  'task.created': z.object({ ...taskRef, zoneId: id.nullable().optional(), lineCount: z.number().int().optional() }),
  'task.claimed': z.object({ ...taskRef, leaseExpiresAt: z.string(), deviceId: z.string().nullable().optional() }),
  'task.started': z.object(taskRef),
  'task.progressed': z.object({ ...taskRef, qtyDone: z.number().int(), qty: z.number().int() }),
  /** One pick line confirmed into a tote. */
  'task.line_picked': z.object({
    taskId: id,
    lineId: id,
    orderId: id.nullable(),
    skuId: id,
    locationId: id,
    qty: z.number().int(),
    toteCode: z.string(),
    lot: z.string().nullable().optional(),
    assigneeId: id.nullable(),
  }),
  /** A short pick: the picker found fewer than asked. The supervisor board shows it live. */
  'task.short_picked': z.object({
    taskId: id,
    lineId: id,
    orderId: id.nullable(),
    skuId: id,
    locationId: id,
    qtyExpected: z.number().int(),
    qtyFound: z.number().int(),
    resolution: z.enum(['reallocated', 'backordered', 'partial']),
    countTaskId: id.nullable(),
    assigneeId: id.nullable(),
  }),
  'task.completed': z.object({ ...taskRef, qtyDone: z.number().int() }),
  'task.released': z.object({
    ...taskRef,
    reason: z.enum(['lease_expired', 'released_by_user', 'reassigned']),
    previousAssigneeId: id.nullable(),
  }),
  'task.reassigned': z.object({ ...taskRef, previousAssigneeId: id.nullable(), reservedFor: id.nullable() }),
  'task.reprioritised': z.object({ ...taskRef, previousPriority: z.number().int() }),
  'task.cancelled': z.object({ ...taskRef, reason: z.string() }),
  'task.exception_raised': z.object({ ...taskRef, code: z.string(), detail: z.string() }),
  'wave.created': z.object({
    waveId: id,
    number: z.number().int(),
    orderCount: z.number().int(),
    templateId: id.nullable(),
    excludedCount: z.number().int(),
  }),
  'wave.released': z.object({ waveId: id, number: z.number().int(), orderIds: z.array(id), taskIds: z.array(id), pickMode: z.string() }),
  'wave.picked': z.object({ waveId: id }),
  'wave.completed': z.object({ waveId: id }),
  'wave.cancelled': z.object({ waveId: id, reason: z.string() }),
  'shipment.created': z.object({
    shipmentId: id,
    orderId: id,
    cartonNo: z.number().int(),
    cartonCount: z.number().int(),
    boxId: z.string(),
    carrierCode: z.string().nullable().optional(),
    serviceCode: z.string().nullable().optional(),
    trackingNumber: z.string().nullable().optional(),
  }),
  'shipment.packed': z.object({
    shipmentId: id,
    orderId: id,
    cartonNo: z.number().int(),
    cartonCount: z.number().int(),
    boxId: z.string(),
    weightG: z.number().int(),
    expectedWeightG: z.number().int(),
    lengthMm: z.number().int(),
    widthMm: z.number().int(),
    heightMm: z.number().int(),
    carrierCode: z.string().nullable().optional(),
    trackingNumber: z.string().nullable().optional(),
  }),
  'pack.discrepancy_found': z.object({ sessionId: id, orderId: id, code: z.string(), detail: z.string() }),
} satisfies Record<string, z.ZodType>;
