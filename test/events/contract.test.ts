/**
 * Events are a contract between the code that emits them and the queues that react to them:
 * every event a queue subscribes to is declared in the catalogue (domain/events) and emitted by a
 * real code path; every queue has a processor and is fed
 * (by subscriptions or by a producer); consumers re-parse payloads with the catalogue's schema, and a
 * payload that can never pass goes to the dead-letter store at once.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { eventSchemas } from '../../domain/events/catalogue.js';
import { parseDomainEvent } from '../../domain/events/parse-event.js';
import { queueDefs, type QueueName } from '../../platform/queues.js';
import { isValidationFailure } from '../../workers/job-guard.js';
import { processors } from '../../workers/processors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Production sources (no tests, no declarations): where events are emitted and queues fed. */
function sources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.events.ts'))
        out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of ['domain', 'api', 'workers', 'platform', 'scripts']) walk(join(root, dir));
  return out.filter((f) => f.path !== join('domain', 'events', 'catalogue.ts'));
}

/**
 * Event types written to the outbox: the quoted names in the `type:` expressions of files that call
 * `emit(` (an emit names its type as a literal, or picks between literals in a conditional), or that hand
 * `events: [...]` to a lifecycle's move (moveOrder and friends emit them with the status change).
 */
function emittedTypes(files: { path: string; text: string }[]): Map<string, string[]> {
  const declared = new Set(Object.keys(eventSchemas));
  const out = new Map<string, string[]>();
  for (const f of files) {
    if (!/\bemit\(|\bevents:\s*\[/.test(f.text)) continue;
    for (const m of f.text.matchAll(/\btype:\s*([^,\n}]+)/g))
      for (const q of m[1].matchAll(/'([a-z_]+\.[a-z_.]+)'/g))
        if (declared.has(q[1])) out.set(q[1], [...new Set([...(out.get(q[1]) ?? []), f.path])]);
  }
  return out;
}

const files = sources();
const emitted = emittedTypes(files);
const declared = Object.keys(eventSchemas);
const queues = Object.keys(queueDefs) as QueueName[];
const subscribed = [...new Set(queues.flatMap((q) => queueDefs[q].subscribes as readonly string[]))];

describe('event contract', () => {
  it('every subscribed event is declared in the catalogue', () => {
    expect(subscribed.filter((t) => !declared.includes(t))).toEqual([]);
  });

  it('every subscribed event is emitted by a real code path', () => {
    expect(subscribed.filter((t) => !emitted.has(t))).toEqual([]);
  });

  it('names shipment.labelled, the event that moves an order to shipped', () => {
    expect(subscribed).toContain('shipment.labelled');
    expect(declared).toContain('shipment.labelled');
  });

  it('every queue has a processor, and every processor a queue', () => {
    expect(queues.filter((q) => !processors[q])).toEqual([]);
    expect(Object.keys(processors).filter((q) => !queues.includes(q as QueueName))).toEqual([]);
  });

  it('every queue is fed: it subscribes to events or some code adds jobs to it', () => {
    const fed = (q: QueueName) =>
      queueDefs[q].subscribes.length > 0 ||
      files.some((f) => new RegExp(`queues\\.(add|get)\\(\\s*'${q}'`).test(f.text) || new RegExp(`queue: '${q}'`).test(f.text));
    expect(queues.filter((q) => !fed(q))).toEqual([]);
  });

  it('the scan sees the emits it should (it is not vacuous)', () => {
    expect(emitted.get('stock.moved')).toContain(join('domain', 'inventory', 'ledger.service.ts'));
    expect(emitted.get('user.logged_in')).toContain(join('domain', 'identity', 'identity.service.ts'));
    expect(emitted.get('pack.discrepancy_found')).toContain(join('domain', 'packing', 'pack.service.ts'));
    expect(emitted.get('order.allocated')).toContain(join('domain', 'orders', 'allocation.service.ts'));
  });
});

describe('consumers re-parse payloads with the catalogue schema', () => {
  const envelope = { id: '1', seq: 1, warehouseId: 'w', occurredAt: '2026-11-30T00:00:00.000Z' };

  it('accepts a payload its schema accepts', () => {
    const e = parseDomainEvent({
      ...envelope,
      type: 'order.cancelled',
      payload: { orderId: 'o1', stage: 'before_pick', reason: 'customer', source: 'api' },
    });
    expect(e.type).toBe('order.cancelled');
  });

  it('refuses a payload that misses a field, and a type outside the catalogue, as validation failures (dead-lettered at once)', () => {
    for (const bad of [
      { ...envelope, type: 'order.cancelled', payload: {} },
      { ...envelope, type: 'shipment.teleported', payload: {} },
      { ...envelope, payload: {} },
    ]) {
      let err: unknown;
      try {
        parseDomainEvent(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ZodError);
      // The worker guard parks validation failures in the dead-letter store and throws BullMQ's UnrecoverableError.
      expect(isValidationFailure(err)).toBe(true);
    }
  });
});
