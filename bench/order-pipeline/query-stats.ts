/**
 * A client-side stand-in for pg_stat_statements (the shared server does not preload it, and restarting it is
 * not ours to do): counts and times every statement sent through node-postgres, grouped by normalized text.
 */
import { createRequire } from 'node:module';
import pg from 'pg';

// MikroORM's driver has its own copy of node-postgres: patch that one as well as ours.
const ormPg = createRequire(import.meta.resolve('@mikro-orm/postgresql'))('pg') as typeof pg;

export interface StatementStat {
  query: string;
  calls: number;
  totalMs: number;
}

/** Starts counting; the returned function stops and gives the statements sorted by total time. */
export function countStatements(): () => StatementStat[] {
  const stats = new Map<string, StatementStat>();
  const undo = [...new Set([pg.Client.prototype, ormPg.Client.prototype])].map((p) => patch(p as never, stats));
  return () => {
    for (const u of undo) u();
    return [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  };
}

function patch(proto: { query: (...a: unknown[]) => unknown }, stats: Map<string, StatementStat>): () => void {
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '?');
    // MikroORM inlines parameters: fold literals so one statement shape is one entry.
    const key = text
      .replace(/\s+/g, ' ')
      .replace(/'(?:[^']|'')*'/g, '?')
      .replace(/\$\d+|\b\d+\b/g, '?')
      .replace(/(\(\?(?:, \?)*\)(?:::\w+(?:\[\])?)?,? ?)+/g, '(…) ')
      .slice(0, 140);
    const t0 = performance.now();
    const done = () => {
      const s = stats.get(key) ?? { query: key, calls: 0, totalMs: 0 };
      s.calls++;
      s.totalMs += performance.now() - t0;
      stats.set(key, s);
    };
    // knex passes a callback (then query returns nothing); other callers use the promise.
    const last = args[args.length - 1];
    if (typeof last === 'function')
      args[args.length - 1] = (...cb: unknown[]) => {
        done();
        return (last as (...a: unknown[]) => unknown)(...cb);
      };
    const r = original.apply(this, args);
    if (typeof last !== 'function' && r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(done, done);
    return r;
  };
  return () => {
    proto.query = original;
  };
}
