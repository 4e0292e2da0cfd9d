/**
 * The load side of bench/driver-pings, in its own process so that the 500 simulated phones and 20
 * dispatcher browsers do not share the server's event loop (and the clock that times a ping is the
 * same one that sees it arrive). argv: one JSON `LoadPlan`; the result goes back over IPC.
 * It also measures the raw Redis pub/sub baseline at the same rate and subscriber count.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';

export interface LoadPlan {
  /** Drivers POST here; dispatcher i connects to `dispatchUrls[i % n]`. */
  pingUrls: string[];
  dispatchUrls: string[];
  token: string;
  warehouseId: string;
  vehicleIds: string[];
  dispatchers: number;
  perSecond: number;
  /** Pings sent (same rate) before measuring: connection pools, JIT and lazy imports warm up first. */
  warmupMs: number;
  durationMs: number;
  /** How long to measure the raw Redis baseline. */
  baselineMs: number;
  redisUrl: string;
  /** `http`: each ping a POST; `socket`: each driver holds a socket and sends `position` messages with an ack. */
  via: 'http' | 'socket';
}

export interface LoadResult {
  pings: number;
  errors: number;
  /** Every (ping, dispatcher) pair's latency, ms, sorted. */
  samples: number[];
  /** Each ping's POST → 201 (or socket ack), ms, sorted. */
  http: number[];
  baseline: number[];
}

const now = () => performance.now();

async function paced(durationMs: number, perSecond: number, send: (i: number) => void): Promise<void> {
  const start = now();
  let sent = 0;
  while (now() - start < durationMs) {
    const due = Math.floor(((now() - start) / 1000) * perSecond);
    while (sent < due) send(sent++);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const connect = (url: string, token: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });

async function live(plan: LoadPlan): Promise<Omit<LoadResult, 'baseline'>> {
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: plan.dispatchers }, async (_, i) => {
      const s = await connect(plan.dispatchUrls[i % plan.dispatchUrls.length]!, plan.token);
      await s.timeout(10_000).emitWithAck('subscribe', { rooms: [`warehouse:${plan.warehouseId}`] });
      return s;
    }),
  );
  // One socket per simulated phone, as the driver app holds one (socket mode only).
  const phones: Socket[] = [];
  if (plan.via === 'socket')
    for (let i = 0; i < plan.vehicleIds.length; i += 50)
      phones.push(
        ...(await Promise.all(
          plan.vehicleIds.slice(i, i + 50).map((_, k) => connect(plan.pingUrls[(i + k) % plan.pingUrls.length]!, plan.token)),
        )),
      );
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  const http: number[] = [];
  let errors = 0;
  type Position = { type: string; payload: { vehicleId: string; recordedAt: string } };
  // Telemetry comes as one message or a bundle of them (api/socket/telemetry.ts).
  const onPosition = (m: Position | Position[]) => {
    const t = now();
    for (const e of Array.isArray(m) ? m : [m]) {
      if (e.type !== 'vehicle.position_reported') continue;
      const t0 = sentAt.get(`${e.payload.vehicleId}|${e.payload.recordedAt}`);
      if (t0 !== undefined) samples.push(t - t0);
    }
  };
  // Positions as telemetry (current) or as relayed outbox events (before telemetry): the same figure either way.
  for (const s of sockets) {
    s.on('telemetry', onPosition);
    s.on('event', onPosition);
  }
  let measuring = false;
  // Driver i pings at i × (1 / rate) past each slot: an even rate. Warm-up pings are sent the same way, not timed.
  const ping = (n: number) => {
    const v = plan.vehicleIds[n % plan.vehicleIds.length]!;
    const recordedAt = new Date(Date.now() + n).toISOString(); // unique per ping
    const t0 = now();
    if (measuring) sentAt.set(`${v}|${recordedAt}`, t0);
    const body = { lat: 52.37 + (n % 100) / 10_000, lng: 4.9, recordedAt };
    const done = (ok: boolean) => {
      if (!ok) errors++;
      else if (measuring) http.push(now() - t0);
    };
    if (plan.via === 'socket') {
      phones[n % phones.length]!.timeout(30_000)
        .emitWithAck('position', { vehicleId: v, ...body })
        .then((ack: { ok: boolean }) => done(ack.ok))
        .catch(() => errors++);
      return;
    }
    fetch(`${plan.pingUrls[n % plan.pingUrls.length]}/v1/vehicles/${v}/positions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plan.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(async (r) => {
        await r.arrayBuffer();
        done(r.status === 201);
      })
      .catch(() => errors++);
  };
  let n = 0;
  await paced(plan.warmupMs, plan.perSecond, () => ping(n++));
  measuring = true;
  errors = 0;
  await paced(plan.durationMs, plan.perSecond, () => ping(n++));
  await new Promise((r) => setTimeout(r, 3000));
  for (const s of [...sockets, ...phones]) s.disconnect();
  return { pings: sentAt.size, errors, samples: samples.sort((a, b) => a - b), http: http.sort((a, b) => a - b) };
}

async function redisBaseline(plan: LoadPlan): Promise<number[]> {
  const pub = new Redis(plan.redisUrl);
  const subs = await Promise.all(
    Array.from({ length: plan.dispatchers }, async () => {
      const s = new Redis(plan.redisUrl);
      await s.subscribe('dockside-bench-pings');
      return s;
    }),
  );
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  for (const s of subs) s.on('message', (_c: string, m: string) => samples.push(now() - sentAt.get(m)!));
  await paced(plan.baselineMs, plan.perSecond, (i) => {
    const m = String(i);
    sentAt.set(m, now());
    void pub.publish('dockside-bench-pings', m);
  });
  await new Promise((r) => setTimeout(r, 500));
  for (const s of subs) s.disconnect();
  pub.disconnect();
  return samples.sort((a, b) => a - b);
}

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const result: LoadResult = { ...(await live(plan)), baseline: await redisBaseline(plan) };
process.send!(result, () => process.exit(0));
