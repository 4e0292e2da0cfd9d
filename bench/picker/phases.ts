/**
 * Summary of phase-probe.ts's file: per route (confirm, claim, health), the server-side time from the request event to
 * the response's end, and how much of it each request waited on PostgreSQL (each statement), on a pool connection, on
 * Redis, and the rest (JavaScript on the loop, or waiting for the loop), at p50 / p90 / p99; GC pauses overlapping
 * the request; and the GC pauses of the run. Printed on stderr by bench/picker; the time the request spent before its
 * request event (in the socket, behind a busy loop) is not in it: compare with the client's figures.
 */
import { readFileSync } from 'node:fs';
import { percentile } from '../lib/system.js';
import type { PhaseRecord } from './phase-probe.js';

const ROUTES: [name: string, match: (url: string) => boolean][] = [
  ['confirm', (u) => u.includes('/confirm')],
  ['claim', (u) => u.endsWith('/tasks/claim')],
  ['health', (u) => u.startsWith('/health')],
];

export function summarisePhases(file: string): string {
  const records: PhaseRecord[] = [];
  let gc: [number, number, number][] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const j = JSON.parse(line) as PhaseRecord | { gc: [number, number, number][] };
    if ('gc' in j) gc = j.gc;
    else records.push(j);
  }
  const out: string[] = [];
  const cols = ['total', 'redis', 'acquire', 'pg', 'pg 1st', 'pg 2nd', 'rest', 'gc'];
  for (const [name, match] of ROUTES) {
    const rs = records.filter((r) => match(r.url));
    if (!rs.length) continue;
    const rows = rs.map((r) => {
      const sum = (k: string) => r.ev.filter((e) => e[0] === k).reduce((a, e) => a + (e[2] - e[1]), 0);
      const pg = r.ev.filter((e) => e[0] === 'pg');
      const total = r.tEnd - r.t0;
      const waits = sum('redis') + sum('acquire') + sum('pg');
      const gcIn = gc.filter(([s, d]) => s < r.tEnd && s + d > r.t0).reduce((a, [, d]) => a + d, 0);
      const nth = (i: number) => (pg[i] ? pg[i]![2] - pg[i]![1] : 0);
      return [total, sum('redis'), sum('acquire'), sum('pg'), nth(0), nth(1), total - waits, gcIn];
    });
    const statements = rs.reduce((a, r) => a + r.ev.filter((e) => e[0] === 'pg').length, 0) / rs.length;
    out.push(`${name}: ${rs.length} requests, ${statements.toFixed(2)} statements each (ms)`);
    // The route's first request on each backend (phase-probe.ts labels each statement '<pid>:'), against the rest: a
    // connection whose first claim or confirm is slow has something left cold by the pool's warm-up.
    const seen = new Set<string>();
    const [first, later] = [[] as number[], [] as number[]];
    for (const [i, r] of rs.map((r, i) => [i, r] as const).sort((a, b) => a[1].t0 - b[1].t0)) {
      const pid = String(r.ev.find((e) => e[0] === 'pg')?.[3] ?? '').split(':')[0];
      if (!pid) continue;
      (seen.has(pid) ? later : first).push(rows[i]![0]!);
      seen.add(pid);
    }
    if (first.length && later.length) {
      const p = (xs: number[], q: number) =>
        percentile(
          [...xs].sort((a, b) => a - b),
          q,
        ).toFixed(1);
      out.push(
        `  first on each of ${first.length} connections: p50 ${p(first, 50)}, max ${p(first, 100)}; the ${later.length} later: p50 ${p(later, 50)}, p99 ${p(later, 99)}`,
      );
    }
    out.push(`       ${cols.map((c) => c.padStart(8)).join('')}`);
    for (const p of [50, 90, 99])
      out.push(
        `  p${p}  ${cols
          .map((_, i) =>
            percentile(
              rows.map((r) => r[i]!).sort((a, b) => a - b),
              p,
            )
              .toFixed(1)
              .padStart(8),
          )
          .join('')}`,
      );
  }
  const pauses = gc.map(([, d]) => d);
  if (pauses.length)
    out.push(
      `GC: ${pauses.length} pauses, ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, longest ${Math.max(...pauses).toFixed(1)} ms`,
    );
  return out.join('\n');
}
