import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { createTask } from '../../domain/tasks/task.service.js';
import { releaseExpiredLeases } from '../../domain/tasks/task.supervisor.js';
import { withTx } from '../../platform/db.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { bulkUsers, call, type BulkUser } from './support.js';

import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';

/** A claimed task always has an assignee (the entity's assignee_id is nullable). */
type ClaimedTaskRow = Pick<TaskRow, 'id'> & { assignee_id: string };

type TaskStatusRow = Pick<TaskRow, 'status'> & { n: number; max_claims: number };
let sys: TestSystem;
let pickers: BulkUser[];
let sup: BulkUser;
const TASKS = 400;

beforeAll(async () => {
  sys = await startTestSystem();
  pickers = await bulkUsers(sys, 'picker', 300, ['picker']);
  [sup] = await bulkUsers(sys, 'sup', 1, ['supervisor']);
  await withTx(sys.rt.orm.em, async (tx) => {
    for (let i = 0; i < TASKS; i++)
      await createTask(tx, sys.wh1, { type: 'replenish', priority: i % 3 === 0 ? 80 : 50, qty: 1, details: { n: i } });
  });
});
afterAll(async () => sys?.close());

const claim = (p: BulkUser, extra: Record<string, unknown> = {}) =>
  call('POST', `${sys.url}/v1/tasks/claim`, p.token, { warehouseId: sys.wh1, deviceId: `HH-${p.username}`, ...extra });

describe('claim-next under 300 concurrent pickers', () => {
  it('never hands one task to two pickers, and a retried claim returns the same task', async () => {
    const first = await Promise.all(pickers.map((p) => claim(p)));
    expect(first.every((r) => r.status === 200)).toBe(true);
    const ids = first.map((r) => r.body.id as string);
    expect(new Set(ids).size).toBe(300);
    first.forEach((r, i) => expect(r.body.assigneeId).toBe(pickers[i]!.id));
    // Priority first: every 80-priority task (134 of them) went before any 50.
    const prios = first.map((r) => r.body.priority as number);
    expect(prios.filter((p) => p === 80)).toHaveLength(134);

    const again = await Promise.all(pickers.map((p) => claim(p)));
    expect(again.map((r) => r.body.id)).toEqual(ids);
  });

  it('drains the pool with concurrent complete-and-claim rounds: every task done exactly once, none starved', async () => {
    const held = new Map<string, string>(); // picker id -> task id
    for (const r of await sql<ClaimedTaskRow>(sys.rt.orm.em.fork(), `select assignee_id, id from task where status = 'claimed'`))
      held.set(r.assignee_id, r.id);
    const doneBy = new Map<string, string>();
    for (let round = 0; round < 10 && held.size > 0; round++) {
      const results = await Promise.all(
        pickers
          .filter((p) => held.has(p.id))
          .map(async (p) => {
            const taskId = held.get(p.id)!;
            const done = await call('POST', `${sys.url}/v1/tasks/${taskId}/complete`, p.token, {});
            expect(done.status).toBe(200);
            expect(doneBy.has(taskId)).toBe(false);
            doneBy.set(taskId, p.id);
            const next = await claim(p);
            return { p, next };
          }),
      );
      held.clear();
      for (const { p, next } of results) {
        if (next.status === 200) held.set(p.id, next.body.id);
        else expect(next.status).toBe(204);
      }
      expect(new Set(held.values()).size).toBe(held.size);
    }
    expect(doneBy.size).toBe(TASKS);
    const stats = await sql<TaskStatusRow>(
      sys.rt.orm.em.fork(),
      `select status, count(*)::int as n, max(claim_count)::int as max_claims from task group by status`,
    );
    expect(stats).toEqual([{ status: 'done', n: TASKS, max_claims: 1 }]);
  });
});

describe('eligibility, supervisor controls and leases', () => {
  it('honours role, equipment and zone', async () => {
    const [packer] = await bulkUsers(sys, 'packer', 1, ['packer']);
    const [p1, p2] = await bulkUsers(sys, 'eq', 2, ['picker']);
    const zones = await sql<IdRow>(
      sys.rt.orm.em.fork(),
      `insert into zone (warehouse_id, code, name) values (?, 'Z-A', 'A'), (?, 'Z-B', 'B') returning id`,
      [sys.wh1, sys.wh1],
    );
    const t = await withTx(sys.rt.orm.em, async (tx) => [
      await createTask(tx, sys.wh1, { type: 'replenish', equipment: 'reach_truck', qty: 1 }),
      await createTask(tx, sys.wh1, { type: 'replenish', zoneId: zones[1]!.id, priority: 60, qty: 1 }),
    ]);
    expect((await claim(packer!)).status).toBe(204);
    // p1 without a reach truck, restricted to zone A: neither task is for them.
    expect((await claim(p1!, { zoneIds: [zones[0]!.id] })).status).toBe(204);
    expect(
      (await call('PUT', `${sys.url}/v1/users/${p2!.id}/worker-profile`, sup!.token, { equipment: ['reach_truck'], zoneIds: [] })).status,
    ).toBe(204);
    const got = await claim(p2!);
    expect(got.body.id).toBe(t[1]!.id); // higher priority first
    await call('POST', `${sys.url}/v1/tasks/${t[1]!.id}/complete`, p2!.token, {});
    expect((await claim(p2!)).body.id).toBe(t[0]!.id);
    await call('POST', `${sys.url}/v1/tasks/${t[0]!.id}/complete`, p2!.token, {});
  });

  it('lets a supervisor reprioritise, reassign and cancel; pickers may not', async () => {
    const [a, b] = await bulkUsers(sys, 'rs', 2, ['picker']);
    const t = await withTx(sys.rt.orm.em, (tx) => createTask(tx, sys.wh1, { type: 'replenish', qty: 2 }));
    expect((await call('POST', `${sys.url}/v1/tasks/${t.id}/reprioritise`, a!.token, { priority: 900 })).status).toBe(403);
    expect((await call('POST', `${sys.url}/v1/tasks/${t.id}/reprioritise`, sup!.token, { priority: 900 })).body.priority).toBe(900);
    const claimed = await claim(a!);
    expect(claimed.body.id).toBe(t.id);
    const moved = await call('POST', `${sys.url}/v1/tasks/${t.id}/reassign`, sup!.token, { userId: b!.id });
    expect(moved.body).toMatchObject({ status: 'open', reservedFor: b!.id, assigneeId: null });
    expect((await call('POST', `${sys.url}/v1/tasks/${t.id}/complete`, a!.token, {})).status).toBe(409);
    expect((await claim(a!)).status).toBe(204); // reserved for b
    expect((await claim(b!)).body.id).toBe(t.id);
    const cancelled = await call('POST', `${sys.url}/v1/tasks/${t.id}/cancel`, sup!.token, { reason: 'stock moved' });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await claim(b!)).status).toBe(204);
    const events = await sql<Pick<OutboxRow, 'type' | 'rooms'>>(
      sys.rt.orm.em.fork(),
      `select type, rooms from outbox where payload->>'taskId' = ? order by id`,
      [t.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'task.created',
      'task.reprioritised',
      'task.claimed',
      'task.released',
      'task.reassigned',
      'task.claimed',
      'task.cancelled',
    ]);
    expect(events.find((e) => e.type === 'task.reassigned')!.rooms).toEqual(
      expect.arrayContaining([`task:${t.id}`, `user:${a!.id}`, `user:${b!.id}`]),
    );
  });

  it('returns a task whose lease ran out to the pool, keeping the next claimer free to take it', async () => {
    const [a, b] = await bulkUsers(sys, 'lease', 2, ['picker']);
    const t = await withTx(sys.rt.orm.em, (tx) => createTask(tx, sys.wh1, { type: 'replenish', priority: 999, qty: 1 }));
    expect((await claim(a!)).body.id).toBe(t.id);
    const nowPlus = (s: number) => ({ now: () => new Date(Date.now() + s * 1000) });
    expect(await withTx(sys.rt.orm.em, (tx) => releaseExpiredLeases(tx, nowPlus(10)))).toEqual([]);
    expect(await withTx(sys.rt.orm.em, (tx) => releaseExpiredLeases(tx, nowPlus(sys.config.TASK_LEASE_S + 5)))).toEqual([t.id]);
    expect((await claim(b!)).body.id).toBe(t.id);
    expect((await call('POST', `${sys.url}/v1/tasks/${t.id}/heartbeat`, a!.token)).status).toBe(409);
    expect((await call('POST', `${sys.url}/v1/tasks/${t.id}/heartbeat`, b!.token)).status).toBe(200);
  });

  it('one person claiming several times at once (retried requests) gets one task, the same in every answer', async () => {
    const [p] = await bulkUsers(sys, 'twice', 1, ['picker']);
    // Reserved for them, so nobody else takes these; their claims race each other for the two.
    const mine = await withTx(sys.rt.orm.em, async (tx) => [
      await createTask(tx, sys.wh1, { type: 'replenish', priority: 70, qty: 1, reservedFor: p!.id }),
      await createTask(tx, sys.wh1, { type: 'replenish', priority: 70, qty: 1, reservedFor: p!.id }),
    ]);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => claim(p!)));
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
      const held = await sql<ClaimedTaskRow>(
        sys.rt.orm.em.fork(),
        `select id, assignee_id from task where assignee_id = ? and status in ('claimed', 'in_progress')`,
        [p!.id],
      );
      expect(held.map((t) => t.id)).toEqual([answers[0]!.body.id]);
      expect((await call('POST', `${sys.url}/v1/tasks/${held[0]!.id}/release`, p!.token)).status).toBe(200);
    }
    await sql(sys.rt.orm.em.fork(), `update task set status = 'cancelled' where id = any(?::uuid[])`, [
      `{${mine.map((t) => t.id).join(',')}}`,
    ]);
  });

  it('lists the board with cursor pagination, scoped to the warehouse', async () => {
    const page1 = await call('GET', `${sys.url}/v1/warehouses/${sys.wh1}/tasks?limit=100`, sup!.token);
    expect(page1.body.items).toHaveLength(100);
    const page2 = await call('GET', `${sys.url}/v1/warehouses/${sys.wh1}/tasks?limit=100&cursor=${page1.body.nextCursor}`, sup!.token);
    const ids = new Set([...page1.body.items, ...page2.body.items].map((t: { id: string }) => t.id));
    expect(ids.size).toBe(200);
    expect((await call('GET', `${sys.url}/v1/warehouses/${sys.wh2}/tasks`, sup!.token)).status).toBe(404);
  });
});
