import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RelayedEvent } from '../../domain/events/catalogue.js';
import { loadConfig } from '../../platform/config.js';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { createTestDatabase } from '../harness/context.js';
import { Cluster, waitFor } from './harness.js';

let cluster: Cluster;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let wh = '';
let token = '';

beforeAll(async () => {
  db = await createTestDatabase();
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  wh = (await c.query(`insert into warehouse (code, name) values ('C1', 'Cluster DC') returning id`)).rows[0].id;
  const user = (
    await c.query(
      `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values ('sup', 'Sup', 'x', '{supervisor}', $1) returning id`,
      [`{${wh}}`],
    )
  ).rows[0].id;
  await c.end();
  const prefix = `dockside-cluster:${randomBytes(4).toString('hex')}`;
  token = signAccessToken(jwtSettings(loadConfig({ NODE_ENV: 'test' })), {
    id: user,
    username: 'sup',
    roles: ['supervisor'],
    warehouseIds: [wh],
  });
  cluster = await Cluster.start({ apis: 2, workers: 2, databaseUrl: db.url, redisUrl: inject('redisUrl'), env: { REDIS_PREFIX: prefix } });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
});

describe('two API and two worker processes', () => {
  it('delivers events caused on API A to a client on API B in order, surviving a killed relay leader and a killed API', async () => {
    const socket = io(cluster.url('api1'), { auth: { token }, transports: ['websocket'], forceNew: true });
    const got: RelayedEvent[] = [];
    socket.on('event', (e: RelayedEvent) => got.push(e));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    await socket.timeout(5000).emitWithAck('subscribe', { rooms: [`warehouse:${wh}`] });

    const post = (api: string, text: string) =>
      fetch(`${cluster.url(api)}/v1/warehouses/${wh}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      }).then((r) => expect(r.status).toBe(201));

    const total = 90;
    for (let i = 0; i < total; i++) {
      if (i === 30) {
        await waitFor(() => cluster.leader() !== undefined, 10_000, 'a relay leader');
        const leader = cluster.leader()!;
        const pid = cluster.procs.get(leader)!.child!.pid!;
        await cluster.kill(leader); // kill the relay mid-stream
        expect(() => process.kill(pid, 0)).toThrow(); // the relay process itself is dead
      }
      if (i === 45) await cluster.restart('worker0').catch(() => undefined);
      if (i === 60) {
        await cluster.kill('api0'); // the API we were posting through dies; carry on through B
        await expect(fetch(`${cluster.url('api0')}/health/live`)).rejects.toThrow(); // really gone
      }
      await post(i < 60 ? 'api0' : 'api1', `n${i}`);
    }
    // Make sure some relay is alive to finish the stream.
    if (!cluster.leader()) await cluster.restart('worker1');
    await waitFor(() => new Set(got.map((e) => e.seq)).size >= total, 60_000, 'all events at the client');

    const bySeq = new Map(got.map((e) => [e.seq, e]));
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i)); // gap-free
    const texts = seqs.map((s) => (bySeq.get(s)!.payload as { text: string }).text);
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => `n${i}`)); // every event once, in order
    // Live delivery arrives in seq order too (duplicates from at-least-once are allowed, reordering is not).
    const firstSeen = got.filter((e, i) => got.findIndex((x) => x.seq === e.seq) === i).map((e) => e.seq);
    expect(firstSeen).toEqual(seqs);
    socket.disconnect();
  }, 180_000);
});
