import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { createWarehouseBody } from './warehouse.schemas.js';
import type { WarehouseNoteRow } from './entities/warehouse-note.entity.js';

export interface WarehouseRow {
  id: string;
  code: string;
  name: string;
  timezone: string;
}

export async function listWarehouses(em: EntityManager, actor: Actor): Promise<WarehouseRow[]> {
  return actor.allWarehouses
    ? sql<WarehouseRow>(em, 'select id, code, name, timezone from warehouse order by code')
    : sql<WarehouseRow>(em, 'select id, code, name, timezone from warehouse where id = any(?::uuid[]) order by code', [
        `{${actor.warehouseIds.join(',')}}`,
      ]);
}

/** A warehouse outside the actor's scope is reported as not found. */
export async function getWarehouse(em: EntityManager, actor: Actor, id: string): Promise<WarehouseRow> {
  const row = canSeeWarehouse(actor, id)
    ? await sqlOne<WarehouseRow>(em, 'select id, code, name, timezone from warehouse where id = ?', [id])
    : undefined;
  if (!row) throw new NotFound('Warehouse', id);
  return row;
}

export async function createWarehouse(em: EntityManager, actor: Actor, input: z.infer<typeof createWarehouseBody>): Promise<WarehouseRow> {
  if (await sqlOne(em, 'select 1 from warehouse where code = ?', [input.code]))
    throw new Conflict(`Warehouse code ${input.code} exists`, 'warehouse-code-taken');
  const row = (await sqlOne<WarehouseRow>(
    em,
    'insert into warehouse (code, name, timezone) values (?, ?, ?) returning id, code, name, timezone',
    [input.code, input.name, input.timezone],
  ))!;
  await sql(em, 'insert into event_stream (warehouse_id) values (?)', [row.id]);
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
  const row = (await sqlOne<Pick<WarehouseNoteRow, 'id' | 'created_at'>>(
    em,
    'insert into warehouse_note (warehouse_id, text, created_by) values (?, ?, ?) returning id, created_at',
    [warehouseId, text, actor.kind === 'user' ? actor.id : null],
  ))!;
  await emit(em, { type: 'warehouse.note.posted', warehouseId, payload: { text, by: actor.username ?? actor.id }, actorId: actor.id });
  return { id: row.id, createdAt: new Date(row.created_at).toISOString() };
}
