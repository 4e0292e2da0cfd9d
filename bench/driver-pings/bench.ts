/**
 * Live dispatch load: 500 simulated drivers each POST a position ping every 5 s (100 pings/s) for
 * the run, while 20 dispatcher sockets watch the warehouse room. Figure: time from sending a ping
 * to its `vehicle.position_reported` reaching a dispatcher, p50 and p99 over every (ping,
 * dispatcher) pair. Two set-ups: one API process; and two API processes, drivers on one and
 * dispatchers on the other (the ping crosses the Redis adapter, as in a cluster).
 * Baseline in the same run: raw Redis PUBLISH at the same rate to 20 subscriber connections.
 * The phones and browsers run in a separate process (load.ts), not on the server's event loop.
 * The simulated drivers ping as a planner of the warehouse on vehicles without a dispatched route,
 * so this measures the fan-out; route start and customer notices are written after the live push.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startApi } from '../../api/server.js';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { percentile, startBenchSystem } from '../lib/system.js';
import type { LoadPlan, LoadResult } from './load.js';

const DRIVERS = 500;
const DISPATCHERS = 20;
const EVERY_MS = 5000;

function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [JSON.stringify(plan)], {
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
  budgetS: 240,
  async run({ quick }) {
    const durationMs = quick ? 15_000 : 45_000;
    const sys = await startBenchSystem();
    const nodeB = await startApi(sys.rt, 0, '127.0.0.1');
    try {
      const em = sys.rt.orm.em.fork();
      const vehicles = (await em.execute(
        `insert into vehicle (warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, shift_start_s, shift_end_s, depot_lat, depot_lng)
        select ?, 'SIM-' || g, 'Simulated van ' || g, 1000000, 10000000000, 25200, 64800, 52.37, 4.9 from generate_series(1, ?) g returning id`,
        [sys.warehouseId, DRIVERS],
      )) as { id: string }[];
      const urlB = `http://127.0.0.1:${nodeB.port}`;
      const figures: Figure[] = [];
      for (const [label, pingUrls, dispatchUrls] of [
        ['1 API process', [sys.url], [sys.url]],
        ['2 API processes, across the Redis adapter', [sys.url], [urlB]],
      ] as const) {
        const r = await runLoad({
          pingUrls: [...pingUrls],
          dispatchUrls: [...dispatchUrls],
          token: sys.token,
          warehouseId: sys.warehouseId,
          vehicleIds: vehicles.map((v) => v.id),
          dispatchers: DISPATCHERS,
          perSecond: DRIVERS / (EVERY_MS / 1000),
          durationMs,
          redisUrl: sys.config.REDIS_URL,
        });
        const expected = r.pings * DISPATCHERS;
        process.stderr.write(
          `driver-pings (${label}): ${r.pings} pings, ${r.samples.length}/${expected} deliveries, ${r.errors} errors; ` +
            `POST → 201 p50 ${percentile(r.http, 50).toFixed(1)} ms, p99 ${percentile(r.http, 99).toFixed(1)} ms\n`,
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
      await nodeB.stop();
      await sys.close();
    }
  },
};
export default bench;
