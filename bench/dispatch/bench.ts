/**
 * Dispatch: does a route-plan solve leave the API responsive? The 300-stop demo day is solved by
 * the `routing` worker in this process (API, workers and load generator share one process, the
 * harshest arrangement: the solver thread is the only thing allowed to take a core). Same-run
 * baseline: the same `/health/live` load with no solve running.
 * Goal (issue 6): health p99 under 50 ms during the solve.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seedDispatchDay } from '../../scripts/seed/dispatch.seed.js';
import { httpLoad, type HttpLoadResult } from '../baselines/http.js';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { startBenchSystem } from '../lib/system.js';

const DAY = '2026-11-26';

async function measured(url: string, durationS: number): Promise<{ load: HttpLoadResult; loopMaxMs: number; loopP99Ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const load = await httpLoad(url, { durationS, connections: 10 });
  h.disable();
  return { load, loopMaxMs: h.max / 1e6, loopP99Ms: h.percentile(99) / 1e6 };
}

const bench: Benchmark = {
  name: 'dispatch',
  budgetS: 60,
  async run({ quick, seed }) {
    const stops = quick ? 150 : 300;
    const loadS = quick ? 4 : 10;
    const sys = await startBenchSystem();
    const out: Figure[] = [];
    try {
      await seedDispatchDay(sys.rt.orm.em.fork(), sys.warehouseId, { deliveryDate: DAY, stops, seed: seed ?? 6 });
      const health = `${sys.url}/health/live`;
      await httpLoad(health, { durationS: 1, connections: 10 }); // warm-up: JIT and sockets
      const idle = await measured(health, loadS);

      const api = (path: string, body?: unknown) =>
        fetch(`${sys.url}/v1${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${sys.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        }).then((r) => r.json() as Promise<any>);
      const planned = await api('/route-plans', {
        warehouseId: sys.warehouseId,
        deliveryDate: DAY,
        timeLimitS: loadS + 8,
        seed: seed ?? 1,
      });
      const status = async () => (await api(`/route-plans/${planned.id}`)).status as string;
      while ((await status()) !== 'solving') await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000)); // the thread is booted and searching
      const busy = await measured(health, loadS);
      const stillSolving = (await status()) === 'solving';
      let plan: any;
      for (;;) {
        plan = await api(`/route-plans/${planned.id}`);
        if (plan.status !== 'solving' && plan.status !== 'queued') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (plan.status !== 'solved') throw new Error(`plan ended ${plan.status}: ${plan.error}`);
      if (!stillSolving) console.error('dispatch bench: the solve ended before the load did; the busy figures include idle time');
      const routed = plan.routes.reduce((a: number, r: any) => a + r.stops.length, 0);
      console.error(
        `dispatch bench: ${stops} stops, ${plan.routes.length} routes, cost ${plan.cost.toFixed(0)}, ${routed} routed, solve ${plan.iterations} iterations; health idle ${JSON.stringify(idle.load)} busy ${JSON.stringify(busy.load)}`,
      );
      const tag = `${stops}-stop solve`;
      out.push(
        figure('dispatch', `/health/live p99 during a ${tag}`, busy.load.p99Ms, 'ms', idle.load.p99Ms, '/health/live p99, no solve'),
        figure(
          'dispatch',
          `/health/live req/s during a ${tag}`,
          busy.load.reqPerS,
          'req/s',
          idle.load.reqPerS,
          '/health/live req/s, no solve',
        ),
        figure(
          'dispatch',
          `API event-loop max delay during a ${tag}`,
          busy.loopMaxMs,
          'ms',
          idle.loopMaxMs,
          'event-loop max delay, no solve',
        ),
        figure(
          'dispatch',
          `API event-loop p99 delay during a ${tag}`,
          busy.loopP99Ms,
          'ms',
          idle.loopP99Ms,
          'event-loop p99 delay, no solve',
        ),
        figure('dispatch', `stops routed in a ${tag} (${loadS + 8} s limit)`, routed, 'stops', stops, 'stops in the day'),
      );
      if (busy.load.errors || busy.load.non2xx)
        throw new Error(`health errors during the solve: ${busy.load.errors} errors, ${busy.load.non2xx} non-2xx`);
    } finally {
      await sys.close();
    }
    return out;
  },
};

export default bench;
