import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayedEvent } from '../../domain/events/catalogue.js';
import { SequenceBuffer } from '../../domain/events/sequence-buffer.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let sup: TestUser;
let picker: TestUser;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  picker = await sys.user('picker', ['picker'], [sys.wh1]);
});
afterAll(async () => sys?.close());

/** `listen` attaches handlers before the handshake: an event sent right after it must not beat them. */
function connect(token: string, listen?: (s: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(sys.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    listen?.(s);
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

const subscribe = (s: Socket, msg: unknown) =>
  s.timeout(5000).emitWithAck('subscribe', msg) as Promise<{ joined: string[]; refused: string[]; replayed: number }>;
const note = (text: string) => http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, { token: sup.token, body: { text } });

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live push over Socket.IO', () => {
  it('refuses a handshake without a valid token', async () => {
    await expect(connect('garbage')).rejects.toThrow(/unauthorized/);
  });

  it('delivers an event caused through the API to a subscribed client, with its seq', async () => {
    const s = await connect(picker.token);
    const got: RelayedEvent[] = [];
    s.on('event', (e: RelayedEvent) => got.push(e));
    const ack = await subscribe(s, { rooms: [`warehouse:${sys.wh1}`] });
    expect(ack.joined).toEqual([`warehouse:${sys.wh1}`]);
    await note('dock 3 closed');
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ type: 'warehouse.note.posted', warehouseId: sys.wh1, payload: { text: 'dock 3 closed' } });
    expect(got[0]!.seq).toBeGreaterThan(0);
    s.disconnect();
  });

  it("refuses a picker joining another warehouse's room or another user's room", async () => {
    const s = await connect(picker.token);
    const ack = await subscribe(s, {
      rooms: [`warehouse:${sys.wh2}`, `user:${sup.id}`, `user:${picker.id}`, 'task:not-a-uuid', 'nonsense'],
    });
    expect(ack.joined).toEqual([`user:${picker.id}`]);
    expect(ack.refused).toHaveLength(4);
    s.disconnect();
  });

  it('replays the 50 events a client missed, in order, then live ones', async () => {
    const s1 = await connect(picker.token);
    const first: RelayedEvent[] = [];
    s1.on('event', (e: RelayedEvent) => first.push(e));
    await subscribe(s1, { rooms: [`warehouse:${sys.wh1}`] });
    await note('before the tunnel');
    await until(() => first.length === 1);
    const lastSeq = first[0]!.seq;
    s1.disconnect();

    for (let i = 0; i < 50; i++) await note(`missed ${i}`);
    const s2 = await connect(picker.token);
    const delivered: RelayedEvent[] = [];
    const buffer = new SequenceBuffer<RelayedEvent>(lastSeq, (e) => delivered.push(e));
    s2.on('event', (e: RelayedEvent) => buffer.push(e));
    await subscribe(s2, { rooms: [`warehouse:${sys.wh1}`], lastSeq: { [sys.wh1]: lastSeq } });
    await until(() => delivered.length >= 50, 15_000);
    await note('live again');
    await until(() => delivered.length === 51);
    const texts = delivered.map((e) => (e.payload as { text: string }).text);
    expect(texts).toEqual([...Array.from({ length: 50 }, (_, i) => `missed ${i}`), 'live again']);
    expect(delivered.map((e) => e.seq)).toEqual(delivered.map((_, i) => lastSeq + 1 + i));
    s2.disconnect();
  });

  it('disconnects a socket when its token expires, unless it re-authenticates', async () => {
    const s = sys.config;
    const short = jwt.sign({ typ: 'access', name: 'picker', roles: ['picker'], wh: [sys.wh1] }, s.JWT_SECRET, {
      algorithm: 'HS256',
      subject: picker.id,
      issuer: s.JWT_ISSUER,
      audience: s.JWT_AUDIENCE,
      expiresIn: 1,
    });
    // The token has 0–1 s left when it is signed (exp is in whole seconds): on a loaded machine auth_expired can come
    // in the same read as the handshake's answer, before `await connect` resumes, so the handler goes on first.
    const reasons: string[] = [];
    const sock = await connect(short, (s) => s.on('auth_expired', () => reasons.push('auth_expired')));
    await until(() => sock.disconnected, 5000);
    expect(reasons).toEqual(['auth_expired']);

    const renewed = await connect(
      jwt.sign({ typ: 'access', name: 'picker', roles: ['picker'], wh: [sys.wh1] }, s.JWT_SECRET, {
        algorithm: 'HS256',
        subject: picker.id,
        issuer: s.JWT_ISSUER,
        audience: s.JWT_AUDIENCE,
        expiresIn: 1,
      }),
    );
    const ack = await renewed.timeout(2000).emitWithAck('reauth', { token: picker.token });
    expect(ack.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(renewed.connected).toBe(true);
    renewed.disconnect();
  });
});
