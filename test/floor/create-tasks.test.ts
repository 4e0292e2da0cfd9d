import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { NotFound } from '../../domain/shared/errors.js';
import { createTasks } from '../../domain/tasks/task.service.js';
import { withTx } from '../../platform/db.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { makeLocation } from '../inventory/fixtures.js';

import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';
import type { CountRow } from '../../domain/shared/rows.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

describe('createTasks: many tasks in one insert and one outbox write', () => {
  it('returns the tasks in input order, places a task at its source location, and announces each in that order', async () => {
    const em = sys.rt.orm.em.fork();
    const from = await makeLocation(em, sys.wh1, { xMm: 12_000, yMm: 3_400 });
    const tasks = await withTx(sys.rt.orm.em, (tx) =>
      createTasks(tx, sys.wh1, [
        { type: 'replenish', priority: 70, qty: 4, xMm: 1, yMm: 2, details: { n: 0 } },
        { type: 'putaway', qty: 2, fromLocationId: from.id, details: { n: 1 } },
        { type: 'count', details: { n: 2 } },
      ]),
    );
    expect(tasks.map((t) => t.details)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    const placed = await sql<Pick<TaskRow, 'id' | 'x_mm' | 'y_mm'>>(em, 'select id, x_mm, y_mm from task where id = any(?::uuid[])', [
      `{${tasks.map((t) => t.id).join(',')}}`,
    ]);
    const at = new Map(placed.map((p) => [p.id, [p.x_mm, p.y_mm]]));
    expect(tasks.map((t) => [t.type, t.status, t.priority, ...at.get(t.id)!])).toEqual([
      ['replenish', 'open', 70, 1, 2],
      ['putaway', 'open', 50, 12_000, 3_400],
      ['count', 'open', 50, null, null],
    ]);
    const events = await sql<Pick<OutboxRow, 'type' | 'payload'>>(
      em,
      `select type, payload from outbox where type = 'task.created' and payload->>'taskId' = any(?::text[]) order by id`,
      [`{${tasks.map((t) => t.id).join(',')}}`],
    );
    expect(events.map((e) => (e.payload as { taskId: string }).taskId)).toEqual(tasks.map((t) => t.id));
  });

  it('refuses a source location of another warehouse and writes nothing', async () => {
    const em = sys.rt.orm.em.fork();
    const elsewhere = await makeLocation(em, sys.wh2);
    const count = async () => (await sql<CountRow>(em, `select count(*)::int as n from task where details->>'batch' = 'refused'`))[0]!.n;
    await expect(
      withTx(sys.rt.orm.em, (tx) =>
        createTasks(tx, sys.wh1, [
          { type: 'replenish', qty: 1, details: { batch: 'refused' } },
          { type: 'putaway', qty: 1, fromLocationId: elsewhere.id, details: { batch: 'refused' } },
        ]),
      ),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await count()).toBe(0);
  });

  it('creates nothing and sends nothing for an empty list', async () => {
    const em = sys.rt.orm.em.fork();
    const before = (await sql<CountRow>(em, 'select count(*)::int as n from task'))[0]!.n;
    expect(await createTasks(em, sys.wh1, [])).toEqual([] as TaskRow[]);
    expect((await sql<CountRow>(em, 'select count(*)::int as n from task'))[0]!.n).toBe(before);
  });
});
