/**
 * Live dispatch load: 500 simulated drivers each POST a position ping every 5 s (100 pings/s) for
 * the run, while 20 dispatcher sockets watch the warehouse room. Figure: time from sending a ping
 * to its `vehicle.position_reported` reaching a dispatcher (API commit → outbox relay → Redis
 * adapter → Socket.IO), p50 and p99 over every (ping, dispatcher) pair.
 * Baseline in the same run: raw Redis PUBLISH at the same rate to 20 subscriber connections.
 * The simulated drivers ping as a planner of the warehouse on vehicles without a dispatched route
 * (the cheapest ping path: no ETA notices), so this measures the fan-out, not the notice logic.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { figure, type Benchmark } from '../lib/figure.js';
import { percentile, startBenchSystem } from '../lib/system.js';

const DRIVERS = 500;
const DISPATCHERS = 20;
const EVERY_MS = 5000;

async function paced(durationMs: number, perSecond: number, send: (i: number) => void): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < durationMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    while (sent < due) send(sent++);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function redisBaseline(url: string, durationMs: number, perSecond: number): Promise<number[]> {
  const pub = new Redis(url);
  const subs = await Promise.all(
    Array.from({ length: DISPATCHERS }, async () => {
      const s = new Redis(url);
      await s.subscribe('dockside-bench-pings');
      return s;
    }),
  );
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  for (const s of subs) s.on('message', (_c: string, m: string) => samples.push(performance.now() - sentAt.get(m)!));
  await paced(durationMs, perSecond, (i) => {
    const m = String(i);
    sentAt.set(m, performance.now());
    void pub.publish('dockside-bench-pings', m);
  });
  await new Promise((r) => setTimeout(r, 500));
  for (const s of subs) s.disconnect();
  pub.disconnect();
  return samples.sort((a, b) => a - b);
}

const bench: Benchmark = {
  name: 'driver-pings',
  budgetS: 120,
  async run({ quick }) {
    const durationMs = quick ? 15_000 : 45_000;
    const perSecond = DRIVERS / (EVERY_MS / 1000);
    const sys = await startBenchSystem();
    try {
      const em = sys.rt.orm.em.fork();
      const vehicles = (await em.execute(
        `insert into vehicle (warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, shift_start_s, shift_end_s, depot_lat, depot_lng)
        select ?, 'SIM-' || g, 'Simulated van ' || g, 1000000, 10000000000, 25200, 64800, 52.37, 4.9 from generate_series(1, ?) g returning id`,
        [sys.warehouseId, DRIVERS],
      )) as { id: string }[];
      const sockets: Socket[] = await Promise.all(
        Array.from(
          { length: DISPATCHERS },
          () =>
            new Promise<Socket>((resolve, reject) => {
              const s = io(sys.url, { auth: { token: sys.token }, transports: ['websocket'], forceNew: true, reconnection: false });
              s.once('connect', async () => {
                await s.timeout(10_000).emitWithAck('subscribe', { rooms: [`warehouse:${sys.warehouseId}`] });
                resolve(s);
              });
              s.once('connect_error', reject);
            }),
        ),
      );
      const sentAt = new Map<string, number>();
      const samples: number[] = [];
      let errors = 0;
      for (const s of sockets)
        s.on('event', (e: { type: string; payload: { vehicleId: string; recordedAt: string } }) => {
          if (e.type !== 'vehicle.position_reported') return;
          const t0 = sentAt.get(`${e.payload.vehicleId}|${e.payload.recordedAt}`);
          if (t0 !== undefined) samples.push(performance.now() - t0);
        });
      // Driver i pings at i × 10 ms past each 5 s slot: an even 100 pings/s.
      await paced(durationMs, perSecond, (n) => {
        const v = vehicles[n % DRIVERS]!.id;
        const recordedAt = new Date(Date.now() + n).toISOString(); // unique per ping
        sentAt.set(`${v}|${recordedAt}`, performance.now());
        fetch(`${sys.url}/v1/vehicles/${v}/positions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sys.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lat: 52.37 + (n % 100) / 10_000, lng: 4.9, recordedAt }),
        })
          .then((r) => (r.status === 201 ? undefined : errors++))
          .catch(() => errors++);
      });
      await new Promise((r) => setTimeout(r, 2000));
      for (const s of sockets) s.disconnect();
      samples.sort((a, b) => a - b);
      const expected = sentAt.size * DISPATCHERS;
      process.stderr.write(`driver-pings: ${sentAt.size} pings, ${samples.length}/${expected} deliveries, ${errors} errors\n`);
      const base = await redisBaseline(sys.config.REDIS_URL, durationMs, perSecond);
      return [
        figure(
          'driver-pings',
          `ping → dispatcher p50 (${DRIVERS} drivers / 5 s, ${DISPATCHERS} dispatchers)`,
          percentile(samples, 50),
          'ms',
          percentile(base, 50),
          'raw Redis pub/sub p50, same rate and subscribers',
        ),
        figure(
          'driver-pings',
          `ping → dispatcher p99 (${DRIVERS} drivers / 5 s, ${DISPATCHERS} dispatchers)`,
          percentile(samples, 99),
          'ms',
          percentile(base, 99),
          'raw Redis pub/sub p99, same rate and subscribers',
        ),
        figure('driver-pings', 'pings delivered to every dispatcher', samples.length / Math.max(1, expected), 'ratio', 1, 'all of them'),
      ];
    } finally {
      await sys.close();
    }
  },
};
export default bench;
