/**
 * Live dispatch load: 500 simulated drivers each send a position ping every 5 s (100 pings/s) for
 * the run, while 20 dispatcher sockets watch the warehouse room. Two ways to ping, each measured:
 * an HTTP POST per ping, and a `position` message on the driver's own socket (as the driver app
 * does while its socket is up). Figure: time from sending a ping
 * to its `vehicle.position_reported` reaching a dispatcher, p50 and p99 over every (ping,
 * dispatcher) pair. Two set-ups: one API process; and two API processes, drivers on one and
 * dispatchers on the other (the ping crosses the Redis adapter, as in a cluster). The workers
 * (outbox relay, queues) run in their own process, as `npm start` runs them.
 * Baseline in the same run, right after each set-up: raw Redis PUBLISH at the same rate to 20
 * subscriber connections.
 * The phones and browsers run in a separate process (load.ts), not on the server's event loop; 10 s
 * of pings at the same rate warm the server up before the measured window.
 * The simulated drivers ping as a planner of the warehouse on vehicles without a dispatched route,
 * so this measures the fan-out; route start and customer notices are written after the live push.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { percentile, startBenchSystem } from '../lib/system.js';
import type { LoadPlan, LoadResult } from './load.js';

const DRIVERS = 500;
const DISPATCHERS = 20;
const EVERY_MS = 5000;

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Another process of the system (workers, a second API), as `npm start` runs them, on the bench's database and Redis. */
function startProcess(script: string, env: Record<string, string>): ChildProcess {
  return fork(here(script), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: 'ignore' });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function untilUp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(here('./load.ts'), [JSON.stringify(plan)], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
    });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load process exited with ${code}`)));
  });
}

const bench: Benchmark = {
  name: 'driver-pings',
  budgetS: 270,
  async run({ quick }) {
    const durationMs = quick ? 15_000 : 30_000;
    // As deployed: the API process here, the workers (outbox relay, queues) and a second API in processes of their own.
    const sys = await startBenchSystem({ workers: false });
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: sys.config.DATABASE_URL,
      REDIS_URL: sys.config.REDIS_URL,
      REDIS_PREFIX: sys.config.REDIS_PREFIX,
      RELAY_POLL_MS: '20',
      AUTH_RATE_LIMIT_PER_MIN: '100000',
    };
    const workers = startProcess('../../workers/main.ts', env);
    const portB = await freePort();
    const nodeB = startProcess('../../api/server.ts', { ...env, PORT: String(portB), HOST: '127.0.0.1' });
    const urlB = `http://127.0.0.1:${portB}`;
    try {
      await untilUp(urlB);
      // The workers process is ready when its outbox relay holds its connection (it loads as slowly as an API).
      const em0 = sys.rt.orm.em.fork();
      for (let i = 0; ; i++) {
        const up = (await em0.execute(
          `select count(*)::int as n from pg_stat_activity where application_name = 'dockside-outbox-relay' and datname = current_database()`,
        )) as { n: number }[];
        if (up[0]!.n > 0) break;
        if (i > 600) throw new Error('the workers process did not come up');
        await new Promise((r) => setTimeout(r, 200));
      }
      const em = sys.rt.orm.em.fork();
      const vehicles = (await em.execute(
        `insert into vehicle (warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, shift_start_s, shift_end_s, depot_lat, depot_lng)
        select ?, 'SIM-' || g, 'Simulated van ' || g, 1000000, 10000000000, 25200, 64800, 52.37, 4.9 from generate_series(1, ?) g returning id`,
        [sys.warehouseId, DRIVERS],
      )) as { id: string }[];
      const figures: Figure[] = [];
      for (const [label, pingUrls, dispatchUrls, via] of [
        ['1 API process, HTTP pings', [sys.url], [sys.url], 'http'],
        ['1 API process, socket pings', [sys.url], [sys.url], 'socket'],
        ['2 API processes, across the Redis adapter, HTTP pings', [sys.url], [urlB], 'http'],
        ['2 API processes, across the Redis adapter, socket pings', [sys.url], [urlB], 'socket'],
      ] as const) {
        const lag = monitorEventLoopDelay({ resolution: 10 });
        lag.enable();
        const r = await runLoad({
          pingUrls: [...pingUrls],
          dispatchUrls: [...dispatchUrls],
          token: sys.token,
          warehouseId: sys.warehouseId,
          vehicleIds: vehicles.map((v) => v.id),
          dispatchers: DISPATCHERS,
          perSecond: DRIVERS / (EVERY_MS / 1000),
          warmupMs: 10_000,
          durationMs,
          baselineMs: 10_000,
          via,
          redisUrl: sys.config.REDIS_URL,
        });
        lag.disable();
        const expected = r.pings * DISPATCHERS;
        process.stderr.write(
          `driver-pings (${label}): ${r.pings} pings, ${r.samples.length}/${expected} deliveries, ${r.errors} errors; ` +
            `ping → 201/ack p50 ${percentile(r.http, 50).toFixed(1)} ms, p99 ${percentile(r.http, 99).toFixed(1)} ms; ` +
            `server event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms\n`,
        );
        const what = `(${DRIVERS} drivers / 5 s, ${DISPATCHERS} dispatchers, ${label})`;
        figures.push(
          figure(
            'driver-pings',
            `ping → dispatcher p50 ${what}`,
            percentile(r.samples, 50),
            'ms',
            percentile(r.baseline, 50),
            'raw Redis pub/sub p50, same rate and subscribers',
          ),
          figure(
            'driver-pings',
            `ping → dispatcher p99 ${what}`,
            percentile(r.samples, 99),
            'ms',
            percentile(r.baseline, 99),
            'raw Redis pub/sub p99, same rate and subscribers',
          ),
          figure(
            'driver-pings',
            `pings delivered to every dispatcher ${what}`,
            r.samples.length / Math.max(1, expected),
            'ratio',
            1,
            'all of them',
          ),
        );
      }
      return figures;
    } finally {
      for (const c of [nodeB, workers]) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await gone;
      }
      await sys.close();
    }
  },
};
export default bench;
