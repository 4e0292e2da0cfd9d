import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { EventStream } from '../events/entities/event-stream.entity.js';
import type { createWarehouseBody } from './warehouse.schemas.js';
import { WarehouseNote } from './entities/warehouse-note.entity.js';
import { Warehouse, type WarehouseRow } from './entities/warehouse.entity.js';

/** A warehouse as the API shows it. */
export type WarehouseSummary = Pick<WarehouseRow, 'id' | 'code' | 'name' | 'timezone'>;
const summaryFields = ['id', 'code', 'name', 'timezone'] as const;
const toSummary = (w: WarehouseSummary): WarehouseSummary => ({ id: w.id, code: w.code, name: w.name, timezone: w.timezone });

export async function listWarehouses(em: EntityManager, actor: Actor): Promise<WarehouseSummary[]> {
  const rows = await em.find(Warehouse, actor.allWarehouses ? {} : { id: { $in: actor.warehouseIds } }, {
    fields: summaryFields,
    orderBy: { code: 'asc' },
    disableIdentityMap: true,
  });
  return rows.map(toSummary);
}

/** A warehouse outside the actor's scope is reported as not found. */
export async function getWarehouse(em: EntityManager, actor: Actor, id: string): Promise<WarehouseSummary> {
  const row = canSeeWarehouse(actor, id) ? await em.findOne(Warehouse, { id }, { fields: summaryFields, disableIdentityMap: true }) : null;
  if (!row) throw new NotFound('Warehouse', id);
  return toSummary(row);
}

export async function createWarehouse(
  em: EntityManager,
  actor: Actor,
  input: z.infer<typeof createWarehouseBody>,
): Promise<WarehouseSummary> {
  if (await em.count(Warehouse, { code: input.code })) throw new Conflict(`Warehouse code ${input.code} exists`, 'warehouse-code-taken');
  const row = { id: '', code: input.code, name: input.name, timezone: input.timezone };
  row.id = (await em.insert(Warehouse, { code: row.code, name: row.name, timezone: row.timezone })) as string;
  await em.insert(EventStream, { warehouse_id: row.id });
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'warehouse.created',
    objectType: 'warehouse',
    objectId: row.id,
    warehouseId: row.id,
  });
  return row;
}

/** A note to everyone on the floor ("dock 3 closed"): a small state change that travels the outbox. */
export async function postNote(em: EntityManager, actor: Actor, warehouseId: string, text: string) {
  await getWarehouse(em, actor, warehouseId);
  const row: Pick<WarehouseNote, 'id' | 'created_at'> = await em
    .createQueryBuilder(WarehouseNote)
    .insert({ warehouse_id: warehouseId, text, created_by: actor.kind === 'user' ? actor.id : null })
    .returning(['id', 'created_at'])
    .execute('get');
  await emit(em, { type: 'warehouse.note.posted', warehouseId, payload: { text, by: actor.username ?? actor.id }, actorId: actor.id });
  return { id: row.id, createdAt: new Date(row.created_at).toISOString() };
}
