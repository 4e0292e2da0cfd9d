/**
 * Live events never wait on unrelated transactions (issue 19, goal 7), end to end: API → outbox → relay →
 * Socket.IO client, while another write transaction stays open. The relay polls only once a minute here,
 * so every event below arrives through the commit-time wake (platform/outbox-wake.ts) and the relay's
 * commit-order sequencing, or the test times out: it checks what happens, not how fast.
 */
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayedEvent } from '../../domain/events/catalogue.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let sup: TestUser;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { RELAY_POLL_MS: '60000' } });
  sup = await sys.user('sup-live', ['supervisor'], [sys.wh1]);
});
afterAll(async () => sys?.close());

async function until(cond: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live events while another write transaction is open', () => {
  it('sequences and delivers a note while an unrelated write transaction stays open, gap-free, and the late committer follows', async () => {
    const s: Socket = await new Promise((resolve, reject) => {
      const c = io(sys.url, { auth: { token: sup.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      c.once('connect', () => resolve(c));
      c.once('connect_error', reject);
    });
    const got: RelayedEvent[] = [];
    s.on('event', (e: RelayedEvent) => got.push(e));
    await s.timeout(5000).emitWithAck('subscribe', { rooms: [`warehouse:${sys.wh1}`] });
    const note = (text: string) => http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, { token: sup.token, body: { text } });

    expect((await note('before')).status).toBe(201);
    await until(() => got.length === 1);

    // An unrelated writer: an open transaction holding a transaction id (and a row lock elsewhere).
    const holder = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await holder.connect();
    await holder.query('begin');
    await holder.query('update warehouse set name = name where id = $1', [sys.wh2]);
    await holder.query(`insert into outbox (warehouse_id, type, payload) values ($1, 'warehouse.note.posted', $2)`, [
      sys.wh1,
      JSON.stringify({ text: 'the sleeper', by: 'test' }),
    ]);

    for (const t of ['during 1', 'during 2']) expect((await note(t)).status).toBe(201);
    await until(() => got.length === 3);
    const open = await holder.query<{ x: string | null }>('select pg_current_xact_id_if_assigned()::text as x');
    expect(open.rows[0]!.x).not.toBeNull(); // still open while the notes were delivered

    await holder.query('commit');
    await holder.end();
    // The sleeper wrote its row by hand (no wake of its own): the next note's wake sequences both, in insert order.
    expect((await note('after')).status).toBe(201);
    await until(() => got.length === 5);
    expect(got.map((e) => (e.payload as { text: string }).text)).toEqual(['before', 'during 1', 'during 2', 'the sleeper', 'after']);
    const seqs = got.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    s.disconnect();
  });
});
