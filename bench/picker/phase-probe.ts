/**
 * Preloaded into the API process by bench/picker when PICKER_PHASE_FILE is set (`--import ./bench/picker/phase-probe.ts`):
 * where each request's server-side time goes. For every request: when its 'request' event fired and when its response
 * finished, and each pool acquire (knex), PostgreSQL query (pg) and Redis command (ioredis) it started, with start and
 * end (AsyncLocalStorage from the request event). Plus every GC pause (perf_hooks). Diagnostic only: it wraps library
 * prototypes, so use it to find the tail, not for the figures. Like loop-delay-probe.ts it resets on the first SIGUSR2
 * (the load starts) and writes on the next (the load ended): one JSON line per request `{url, t0, tEnd, ev: [[kind,
 * start, end, what]]}` (performance.now() ms), then `{gc: [[start, ms, kind]]}`. bench/picker/phases.ts summarises it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { performance, PerformanceObserver } from 'node:perf_hooks';

export type PhaseEvent = [kind: 'acquire' | 'pg' | 'redis', start: number, end: number, what?: string];
export interface PhaseRecord {
  url: string;
  t0: number;
  tEnd: number;
  ev: PhaseEvent[];
}

type Handler = (this: unknown, req: http.IncomingMessage, res: http.ServerResponse) => void;
type Method = (this: unknown, ...args: unknown[]) => unknown;

const file = process.env.PICKER_PHASE_FILE;
if (file) {
  const als = new AsyncLocalStorage<PhaseRecord>();
  let records: PhaseRecord[] = [];
  let gcs: [number, number, number][] = [];
  const createServer = http.createServer as unknown as Method;
  (http as unknown as { createServer: Method }).createServer = function (...args: unknown[]) {
    const i = args.findIndex((a) => typeof a === 'function');
    if (i >= 0) {
      const handler = args[i] as Handler;
      args[i] = function (this: unknown, req: http.IncomingMessage, res: http.ServerResponse) {
        const rec: PhaseRecord = { url: req.url ?? '', t0: performance.now(), tEnd: 0, ev: [] };
        records.push(rec);
        res.once('finish', () => (rec.tEnd = performance.now()));
        return als.run(rec, () => handler.call(this, req, res));
      };
    }
    return createServer(...args);
  };
  const timed = (proto: Record<string, unknown>, name: string, kind: PhaseEvent[0], what?: (args: unknown[], self: unknown) => string) => {
    const original = proto[name] as Method;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const rec = als.getStore();
      const result = original.apply(this, args);
      if (rec && result && typeof (result as Promise<unknown>).then === 'function') {
        const ev: PhaseEvent = [kind, performance.now(), 0, what?.(args, this)];
        rec.ev.push(ev);
        const end = () => (ev[2] = performance.now());
        (result as Promise<unknown>).then(end, end);
      }
      return result;
    };
  };
  const require = createRequire(import.meta.url);
  timed((require('knex/lib/client.js') as { prototype: Record<string, unknown> }).prototype, 'acquireConnection', 'acquire');
  // Prefixed with the backend's process id (`<pid>:`), so a connection's first statements can be told from its later ones.
  timed((require('pg/lib/client.js') as { prototype: Record<string, unknown> }).prototype, 'query', 'pg', (a, self) => {
    const q = a[0] as string | { name?: string; text?: string };
    const pid = (self as { processID?: number }).processID ?? 0;
    return `${pid}:${(typeof q === 'string' ? q : (q.name ?? q.text ?? '')).replace(/\s+/g, ' ').slice(0, 60)}`;
  });
  timed(
    (require('ioredis/built/Redis.js') as { default: { prototype: Record<string, unknown> } }).default.prototype,
    'sendCommand',
    'redis',
    (a) => String((a[0] as { name?: string }).name),
  );
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push([e.startTime, e.duration, (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0]);
  }).observe({ entryTypes: ['gc'] });
  let signals = 0;
  process.on('SIGUSR2', () => {
    if (signals++ % 2 === 0) {
      records = [];
      gcs = [];
      return;
    }
    writeFileSync(
      file,
      [...records.filter((r) => r.tEnd > 0).map((r) => JSON.stringify(r)), JSON.stringify({ gc: gcs })].join('\n') + '\n',
    );
  });
}
