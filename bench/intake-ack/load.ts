/**
 * The load side of bench/intake-ack, in its own process so the simulated storefront does not share
 * the server's event loop. argv: one JSON `LoadPlan`; the result goes back over IPC.
 *
 * Open model: webhook k is due at a fixed time (k / rate, or the integral of a ramp), whatever the
 * server does, and its latency is measured from that due time (no coordinated omission). A 503 is
 * retried after its Retry-After (scaled by `retryScale`) with the same webhook id, until it is
 * acknowledged; so "nothing lost" means every webhook id ends acknowledged. (It waits for every answer:
 * a 5 s client timeout, as Shopify's, turns an overloaded machine into connection churn that measures the churn.)
 */
import { createHmac } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { Pool } from 'undici';
import { shopifyOrderJson } from '../lib/shopify-order.js';

export interface LoadPlan {
  /** POST target, e.g. http://127.0.0.1:3000/v1/webhooks/shopify/<connector> (or the bare baseline's URL). */
  url: string;
  secret: string;
  /** Ramp stages as k6's ramping-arrival-rate: from `startRate`, linearly to each target over its duration. */
  startRate: number;
  stages: { durationS: number; target: number }[];
  /** Same rate before measuring (connection pools, JIT, lazy imports), not timed. */
  warmupS: number;
  warmupRate: number;
  connections: number;
  retryScale: number;
  /** How long to keep retrying refused webhooks after the last arrival (0: no retries, first answers only). */
  retryForS: number;
  runId: string;
  skus: string[];
}

export interface Bucket {
  /** Second since the measured start (by due time). */
  s: number;
  /** Offered arrivals (first attempts) in this second. */
  offered: number;
  ok: number;
  shed: number;
  errors: number;
  /** p99 of every first-attempt answer (200 or 503) due in this second, ms. */
  p99: number;
  /** p99 of this second's first-attempt 503s alone, ms (NaN when none). */
  shedP99: number;
  /** p99 of how late the generator started this second's requests (due → sent), ms: its own health. */
  lagP99: number;
  /** p99 of this second's first-attempt 503s from their headers on the wire to the answer, ms (NaN when none). */
  shedWireP99: number;
  /** Of `shed`: admitted deliveries answered 503 at the ack deadline (the rest were refused on arrival). */
  late: number;
}

export interface LoadResult {
  offered: number;
  /** First attempts answered 200, 503, anything else or a network error. */
  ok: number;
  shed: number;
  errors: number;
  retries: number;
  /** Webhook ids acknowledged in the end (after retries); equals `offered` when nothing was lost. */
  acknowledged: number;
  /** Those webhook ids. */
  acknowledgedIds: string[];
  /** Latency of first-attempt 200s / 503s from their due time, ms, sorted. */
  okMs: number[];
  shedMs: number[];
  /**
   * The 503s split, ms from the due time and from the wire, sorted: refused on arrival (`early`), and admitted but not
   * stored within the server's ack deadline (`late`: reason deadline or deadline_queued in the body, or, from a server
   * before the reason field, a detail saying the delivery may have been stored).
   */
  earlyMs: number[];
  earlyWireMs: number[];
  lateMs: number[];
  lateWireMs: number[];
  /** Latency of every first-attempt answer, [second it was due, ms], for comparing runs second by second. */
  answers: [number, number][];
  /** Whether any answer was a 503 without Retry-After. */
  badRetryAfter: number;
  buckets: Bucket[];
  /** How late the generator itself started requests (due → sent), p99 ms: its own health. */
  sendLagP99: number;
  /**
   * First-attempt 200s / 503s from the moment their headers were written to a connected socket to the answer, ms,
   * sorted: the server's answer time plus the kernel's socket queues, without the generator's lag, the client's wait
   * for a free connection or a TCP handshake (the due-time figures include those).
   */
  okWireMs: number[];
  shedWireMs: number[];
  /** Every first-attempt answer, [second it was due, ms from headers on the wire]. */
  wireAnswers: [number, number][];
  /** p99 of due → headers on the wire for first attempts, ms: generator lag + wait for a connection + handshake. */
  toWireP99: number;
  /** TCP connections the generator opened during the measured phase (a handshake each, through the accept queue). */
  connectionsOpened: number;
  /** CPU the generator process used during the measured phase, s (it shares the machine with the server). */
  generatorCpuS: number;
  /** Arrival rate actually achieved over the measured stages. */
  achievedRate: number;
}

const now = () => performance.now();

/** Arrival times (ms from start) of a ramping-arrival-rate schedule: the integral of the piecewise-linear rate. */
export function arrivals(startRate: number, stages: { durationS: number; target: number }[]): number[] {
  const out: number[] = [];
  let t0 = 0;
  let r0 = startRate;
  let done = 0; // arrivals emitted so far
  for (const st of stages) {
    const d = st.durationS;
    const r1 = st.target;
    // Cumulative count at time t into the stage: N(t) = r0 t + (r1 - r0) t² / (2d); invert for each integer.
    const total = ((r0 + r1) / 2) * d;
    const base = done;
    for (let k = Math.floor(base) + 1; k <= base + total + 1e-9; k++) {
      const n = k - base;
      let t: number;
      const a = (r1 - r0) / (2 * d);
      if (Math.abs(a) < 1e-12) t = n / r0;
      else t = (-r0 + Math.sqrt(r0 * r0 + 4 * a * n)) / (2 * a);
      out.push((t0 + t) * 1000);
    }
    done = base + total;
    t0 += d;
    r0 = r1;
  }
  return out;
}

function orderBody(runId: string, n: number, skus: string[]): string {
  const lines = [0, 1].map((l) => skus[(n * 7 + l * 3) % skus.length]!);
  return shopifyOrderJson({ id: n, name: `#B${runId}-${n}`, orderNumber: n, skus: lines });
}

function p99(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
}

type Signed = { body: string; hmac: string };

/**
 * Bodies and signatures made before a phase starts: building and signing a webhook costs the generator about as much
 * as the server's own check of it, and at 6,000/s that work, done at send time, showed up as generator lag (a late
 * send counts against the server, since latency runs from the due time).
 */
function signAll(plan: LoadPlan, from: number, count: number): Signed[] {
  return Array.from({ length: count }, (_, k) => {
    const body = orderBody(plan.runId, from + k, plan.skus);
    return { body, hmac: createHmac('sha256', plan.secret).update(body).digest('base64') };
  });
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const u = new URL(plan.url);
  const pool = new Pool(u.origin, { connections: plan.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = u.pathname;
  type Sent = { status: number; retryAfter: string | undefined; late?: boolean };
  let signed: Signed[] = [];
  let signedFrom = 0;
  // When a request's headers reach a connected socket (undici's diagnostics channel), by webhook id, first attempt only.
  const wireAt = new Map<string, number>();
  let measuring = false;
  let opened = 0;
  const idHeader = 'x-shopify-webhook-id: ';
  subscribe('undici:client:sendHeaders', (m) => {
    if (!measuring) return;
    const h = (m as { headers: string }).headers;
    const i = h.indexOf(idHeader);
    if (i < 0) return;
    const id = h.slice(i + idHeader.length, h.indexOf('\r\n', i));
    if (!wireAt.has(id)) wireAt.set(id, now());
  });
  subscribe('undici:client:connected', () => {
    if (measuring) opened++;
  });
  const post = async (n: number, webhookId: string): Promise<Sent> => {
    const { body, hmac } = signed[n - signedFrom]!;
    try {
      const r = await pool.request({
        method: 'POST',
        path,
        body,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': webhookId,
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': 'bench.myshopify.com',
        },
      });
      const ra = r.headers['retry-after'];
      const retryAfter = Array.isArray(ra) ? ra[0] : ra;
      if (r.statusCode !== 503) {
        await r.body.dump();
        return { status: r.statusCode, retryAfter };
      }
      const text = await r.body.text();
      return { status: 503, retryAfter, late: /"reason":"deadline|may have been stored/.test(text) };
    } catch {
      return { status: 0, retryAfter: undefined };
    }
  };

  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  let seq = 0;

  /** One open-model phase; `measure` collects figures. */
  const phase = async (times: number[], measure: boolean, prefix: string) => {
    const r = {
      ok: 0,
      shed: 0,
      errors: 0,
      retries: 0,
      acknowledged: 0,
      acknowledgedIds: [] as string[],
      badRetryAfter: 0,
      okMs: [] as number[],
      shedMs: [] as number[],
      okWireMs: [] as number[],
      shedWireMs: [] as number[],
      earlyMs: [] as number[],
      earlyWireMs: [] as number[],
      lateMs: [] as number[],
      lateWireMs: [] as number[],
      toWire: [] as number[],
      wireAnswers: [] as [number, number][],
      lag: [] as number[],
      answers: [] as [number, number][],
      perS: new Map<
        number,
        {
          offered: number;
          ok: number;
          shed: number;
          late: number;
          errors: number;
          ms: number[];
          shedMs: number[];
          shedWireMs: number[];
          lag: number[];
        }
      >(),
    };
    signedFrom = seq;
    signed = signAll(plan, seq, times.length);
    const start = now();
    let i = 0;
    const fire = (due: number) => {
      const n = seq++;
      const webhookId = `${prefix}-${n}`;
      const sec = Math.floor(due / 1000);
      const b = r.perS.get(sec) ?? { offered: 0, ok: 0, shed: 0, late: 0, errors: 0, ms: [], shedMs: [], shedWireMs: [], lag: [] };
      r.perS.set(sec, b);
      b.offered++;
      const dueAbs = start + due;
      if (measure) {
        r.lag.push(now() - dueAbs);
        b.lag.push(now() - dueAbs);
      }
      track(
        (async () => {
          let res = await post(n, webhookId);
          const at = now();
          const ms = at - dueAbs;
          const wire = wireAt.get(webhookId);
          wireAt.delete(webhookId);
          if (measure) {
            if (wire !== undefined) {
              r.toWire.push(wire - dueAbs);
              r.wireAnswers.push([sec, at - wire]);
            }
            b.ms.push(ms);
            const kind = res.status === 200 ? 'ok' : res.status === 503 ? 'shed' : 'errors';
            r[kind]++;
            b[kind]++;
            r.answers.push([sec, ms]);
            if (kind === 'ok') {
              r.okMs.push(ms);
              if (wire !== undefined) r.okWireMs.push(at - wire);
            }
            if (kind === 'shed') {
              r.shedMs.push(ms);
              b.shedMs.push(ms);
              if (res.late) b.late++;
              (res.late ? r.lateMs : r.earlyMs).push(ms);
              if (wire !== undefined) {
                r.shedWireMs.push(at - wire);
                b.shedWireMs.push(at - wire);
                (res.late ? r.lateWireMs : r.earlyWireMs).push(at - wire);
              }
            }
          }
          const until = now() + (times.at(-1)! - due) + plan.retryForS * 1000;
          while (res.status !== 200 && plan.retryForS > 0 && now() < until) {
            if (res.status === 503 && !(Number(res.retryAfter) >= 1)) r.badRetryAfter++;
            const waitS = res.status === 503 ? Number(res.retryAfter) || 1 : 1;
            await new Promise((ok) => setTimeout(ok, waitS * 1000 * plan.retryScale * (0.5 + Math.random())));
            r.retries++;
            res = await post(n, webhookId);
            wireAt.delete(webhookId);
          }
          if (res.status === 200) {
            r.acknowledged++;
            r.acknowledgedIds.push(webhookId);
          }
        })(),
      );
    };
    while (i < times.length) {
      const t = now() - start;
      while (i < times.length && times[i]! <= t) fire(times[i++]!);
      await new Promise((ok) => setTimeout(ok, 1));
    }
    return { r, elapsedS: (now() - start) / 1000 };
  };

  if (plan.warmupS > 0) {
    const w = await phase(arrivals(plan.warmupRate, [{ durationS: plan.warmupS, target: plan.warmupRate }]), false, `warm-${plan.runId}`);
    await Promise.all(pending);
    void w;
  }
  const times = arrivals(plan.startRate, plan.stages);
  measuring = true;
  const cpu0 = process.cpuUsage();
  const { r } = await phase(times, true, `bench-${plan.runId}`);
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpu0);
  measuring = false;
  await pool.close();
  const stagesS = plan.stages.reduce((a, s) => a + s.durationS, 0);
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    offered: times.length,
    ok: r.ok,
    shed: r.shed,
    errors: r.errors,
    retries: r.retries,
    acknowledged: r.acknowledged,
    acknowledgedIds: r.acknowledgedIds,
    okMs: sorted(r.okMs),
    shedMs: sorted(r.shedMs),
    earlyMs: sorted(r.earlyMs),
    earlyWireMs: sorted(r.earlyWireMs),
    lateMs: sorted(r.lateMs),
    lateWireMs: sorted(r.lateWireMs),
    okWireMs: sorted(r.okWireMs),
    shedWireMs: sorted(r.shedWireMs),
    wireAnswers: r.wireAnswers,
    toWireP99: p99(r.toWire),
    connectionsOpened: opened,
    generatorCpuS: (cpu.user + cpu.system) / 1e6,
    answers: r.answers,
    badRetryAfter: r.badRetryAfter,
    buckets: [...r.perS.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, b]) => ({
        s,
        offered: b.offered,
        ok: b.ok,
        shed: b.shed,
        errors: b.errors,
        p99: p99(b.ms),
        shedP99: p99(b.shedMs),
        lagP99: p99(b.lag),
        shedWireP99: p99(b.shedWireMs),
        late: b.late,
      })),
    sendLagP99: p99(r.lag),
    achievedRate: times.length / stagesS,
  };
}

if (process.argv[2] && process.send) {
  const plan = JSON.parse(process.argv[2]) as LoadPlan;
  runLoad(plan).then(
    (r) => process.send!(r, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
