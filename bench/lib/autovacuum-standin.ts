/**
 * Stands in for autovacuum on a server that runs without it. This project's CI machine sets `autovacuum = off`, so
 * a sustained write benchmark there measures dead-tuple bloat (a 1,000-row balance table with 80k dead versions
 * after minutes of reservations) that no production server carries. Every `naptimeS`, each table of the current
 * schema past autovacuum's default thresholds is vacuumed or analyzed, as the daemon would do:
 * dead tuples > 50 + 0.2 × live (vacuum), rows changed since the last analyze > 50 + 0.1 × live (analyze)
 * (PostgreSQL 15 manual, 25.1.6 "The Autovacuum Daemon"; autovacuum_vacuum_threshold / _scale_factor and the
 * analyze pair). The daemon's default naptime is 60 s; 15 s is the common setting for hot tables. Where
 * autovacuum is on, this does nothing and says so.
 */
import type { Orm } from '../../platform/db.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';

export type SettingRow = { value: string };
export type DueTableRow = { schema: string; name: string; vacuum: boolean; analyze: boolean };

const DUE = `
  select schemaname as schema, relname as name,
         n_dead_tup > 50 + 0.2 * n_live_tup as vacuum,
         n_mod_since_analyze > 50 + 0.1 * n_live_tup as analyze
    from pg_stat_user_tables
   where schemaname = current_schema()
     and (n_dead_tup > 50 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup)`;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export interface AutovacuumStandIn {
  /** Stops the loop after the pass under way; how many vacuum and analyze runs it made (null: the server's own autovacuum is on). */
  stop(): Promise<{ vacuums: number; analyzes: number } | null>;
}

export async function autovacuumStandIn(orm: Orm, o: { naptimeS?: number; log?: (line: string) => void } = {}): Promise<AutovacuumStandIn> {
  const em = orm.em.fork();
  const on = (await sqlOne<SettingRow>(em, `select current_setting('autovacuum') as value`))!.value === 'on';
  if (on) return { stop: async () => null };
  const counts = { vacuums: 0, analyzes: 0 };
  let pass: Promise<void> = Promise.resolve();
  const run = async () => {
    for (const t of await sql<DueTableRow>(em, DUE)) {
      const name = `${ident(t.schema)}.${ident(t.name)}`;
      // VACUUM cannot run in a transaction block; em.execute outside withTx is autocommit.
      await sql(em, t.vacuum ? `vacuum (analyze) ${name}` : `analyze ${name}`);
      if (t.vacuum) counts.vacuums++;
      else counts.analyzes++;
      o.log?.(`[autovacuum stand-in] ${t.vacuum ? 'vacuum (analyze)' : 'analyze'} ${t.name}`);
    }
  };
  const timer = setInterval(
    () => {
      pass = pass.then(run).catch((e: unknown) => o.log?.(`[autovacuum stand-in] ${(e as Error).message}`));
    },
    (o.naptimeS ?? 15) * 1000,
  );
  return {
    async stop() {
      clearInterval(timer);
      await pass;
      return counts;
    },
  };
}
