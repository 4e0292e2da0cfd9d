/**
 * The baselines themselves, so every table carries them: pgbench simple-update and insert tps,
 * the trivial Fastify route, the raw Redis round trip. Each baseline is measured twice in a row;
 * the second run is the value and the first the baseline, so its ratio shows how noisy the
 * machine is right now (how far any other ratio in the table can be trusted).
 */
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { pgbenchInsert, pgbenchSimpleUpdate } from '../baselines/pgbench.js';
import { trivialFastifyBaseline } from '../baselines/http.js';
import { redisRoundTrip } from '../baselines/redis.js';

const NOISE = 'same baseline, previous run';

const bench: Benchmark = {
  name: 'harness',
  budgetS: 45,
  async run({ quick }) {
    const pgS = quick ? 2 : 5;
    const httpS = quick ? 2 : 5;
    const redisN = quick ? 2000 : 5000;
    const out: Figure[] = [];

    const pg1 = await pgbenchSimpleUpdate({ clients: 4, durationS: pgS });
    const pg2 = await pgbenchSimpleUpdate({ clients: 4, durationS: pgS });
    const ins = await pgbenchInsert({ clients: 4, durationS: pgS });
    out.push(
      figure('harness', 'pgbench simple-update tps (4 clients)', pg2.tps, 'tx/s', pg1.tps, NOISE),
      figure('harness', 'pgbench simple-update latency avg', pg2.latencyAvgMs, 'ms', pg1.latencyAvgMs, NOISE),
      figure('harness', 'pgbench insert tps (4 clients)', ins.tps, 'tx/s', pg2.tps, 'pgbench simple-update tps'),
    );

    const h1 = await trivialFastifyBaseline({ durationS: httpS, connections: 50 });
    const h2 = await trivialFastifyBaseline({ durationS: httpS, connections: 50 });
    out.push(
      figure('harness', 'trivial Fastify route req/s (50 conns)', h2.reqPerS, 'req/s', h1.reqPerS, NOISE),
      figure('harness', 'trivial Fastify route p50', h2.p50Ms, 'ms', h1.p50Ms, NOISE),
      figure('harness', 'trivial Fastify route p99', h2.p99Ms, 'ms', h1.p99Ms, NOISE),
    );

    const r1 = await redisRoundTrip({ n: redisN });
    const r2 = await redisRoundTrip({ n: redisN });
    const sg = await redisRoundTrip({ n: redisN, command: 'setget' });
    out.push(
      figure('harness', 'redis PING round trips/s', r2.opsPerS, 'ops/s', r1.opsPerS, NOISE),
      figure('harness', 'redis PING p50', r2.p50Ms, 'ms', r1.p50Ms, NOISE),
      figure('harness', 'redis PING p99', r2.p99Ms, 'ms', r1.p99Ms, NOISE),
      figure('harness', 'redis SET+GET ops/s', sg.opsPerS, 'ops/s', r2.opsPerS, 'redis PING round trips/s'),
    );
    return out;
  },
};

export default bench;
