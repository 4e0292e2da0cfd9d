// Handheld picking under 300 concurrent pickers (k6 script; runs under k6 or `npm run load -- picker`).
//
//   tsx bench/claim/prepare-picker-load.ts           # against the running system: warehouse, released wave, 300 picker tokens
//   npm run load -- picker [--env DURATION=60s] [--env THINK_S=10]
//   npm run bench -- picker                         # all of it on a scratch database, with its own API and workers: the figures
//
// Each VU is one picker: claim the next task (POST /v1/tasks/claim), then scan-confirm its lines one by
// one (POST /v1/tasks/:id/lines/:lineId/confirm with location, item, quantity and tote scans), with a
// think time between scans (default 10 s: walk to the next location, reach, scan), and claim again when the task is done. A second scenario hits the trivial
// GET /health/live at a fixed rate in the same run: the baseline the confirm latency is reported against
// (`confirm p50/p99 ÷ health p50/p99`). Data comes from .load/picker-data.json (DATA env to override).
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';

const DATA = JSON.parse(open(__ENV.DATA || '../.load/picker-data.json'));
const BASE = __ENV.BASE_URL || DATA.baseUrl;
const PICKERS = Math.min(Number(__ENV.PICKERS || 300), DATA.tokens.length);
const DURATION = __ENV.DURATION || '60s';
const THINK_S = Number(__ENV.THINK_S || 10);
// Tote labels unique to this run, so a re-run against the same data never scans a tote still holding another order.
const RUN = (__ENV.RUN_ID || Date.now().toString(36)).toUpperCase();

export const options = {
  scenarios: {
    pickers: { executor: 'constant-vus', vus: PICKERS, duration: DURATION, exec: 'picker', gracefulStop: '10s' },
    baseline: {
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 10,
      maxVUs: 100,
      exec: 'health',
    },
  },
  thresholds: {
    'http_req_failed{name:confirm}': ['rate<0.01'],
    'checks{scenario:pickers}': ['rate>0.99'],
    scan_confirm_ms: ['p(99)<1000'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'max'],
};

const confirmMs = new Trend('scan_confirm_ms', true);
const claimMs = new Trend('claim_ms', true);
const healthMs = new Trend('health_ms', true);
const linesPicked = new Counter('lines_picked');
const tasksDone = new Counter('tasks_done');

// The built-in runner shares module state between VUs, k6 does not: key everything by VU.
const state = {};

function headers(token) {
  return { headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } };
}

function itemScan(line) {
  const gtin13 = DATA.gtinBySku[line.skuId];
  // Lot-tracked lines: a GS1-128 label with GTIN (01) and lot (10); else the EAN-13.
  return line.lot ? `]C101${'0' + gtin13}10${line.lot}` : gtin13;
}

export async function picker() {
  const vu = exec.vu.idInTest;
  const token = DATA.tokens[(vu - 1) % DATA.tokens.length];
  const me = state[vu] || (state[vu] = { task: null, totes: {}, n: 0, started: false });
  if (!me.started) {
    // A shift does not start in one millisecond: pickers log on spread over one think time.
    me.started = true;
    await sleep(Math.random() * THINK_S);
  }
  if (!me.task || me.task.status === 'done') {
    const res = await http.post(
      `${BASE}/v1/tasks/claim`,
      JSON.stringify({ warehouseId: DATA.warehouseId, types: ['pick'], deviceId: `HH-${vu}` }),
      { ...headers(token), tags: { name: 'claim' } },
    );
    claimMs.add(res.timings.duration);
    check(res, { 'claim answered': (r) => r.status === 200 || r.status === 204 });
    if (res.status !== 200) {
      await sleep(THINK_S);
      return;
    }
    me.task = res.json();
  }
  const line = me.task.lines.find((l) => l.status === 'open');
  if (!line) {
    me.task = null;
    return;
  }
  const key = line.orderId;
  // The order's tote on this task, if a line of it is already picked (also after a re-claim); else a new one.
  const bound = me.task.lines.find((l) => l.orderId === key && l.toteCode);
  if (bound) me.totes[key] = bound.toteCode;
  if (!me.totes[key]) me.totes[key] = `R${RUN}-${vu}-${++me.n}`;
  await sleep(THINK_S * (0.5 + Math.random()));
  const body = { locationScan: line.locationCode, itemScan: itemScan(line), qty: line.qty - line.qtyPicked, toteScan: me.totes[key] };
  const res = await http.post(`${BASE}/v1/tasks/${me.task.id}/lines/${line.id}/confirm`, JSON.stringify(body), {
    ...headers(token),
    tags: { name: 'confirm' },
  });
  confirmMs.add(res.timings.duration);
  const ok = check(res, { 'confirm accepted': (r) => r.status === 200 });
  if (!ok) {
    me.task = null;
    return;
  }
  linesPicked.add(1);
  me.task = res.json();
  if (me.task.status === 'done') tasksDone.add(1);
}

export async function health() {
  const res = await http.get(`${BASE}/health/live`, { tags: { name: 'health' } });
  healthMs.add(res.timings.duration);
  check(res, { 'health ok': (r) => r.status === 200 });
}

export function handleSummary(data) {
  const m = (name, stat) => (data.metrics[name] ? data.metrics[name].values[stat] : NaN);
  const c50 = m('scan_confirm_ms', 'med');
  const c99 = m('scan_confirm_ms', 'p(99)');
  const h50 = m('health_ms', 'med');
  const h99 = m('health_ms', 'p(99)');
  const lines = [
    `pickers=${PICKERS} duration=${DURATION} think=${THINK_S}s lines_picked=${m('lines_picked', 'count')} tasks_done=${m('tasks_done', 'count') || 0}`,
    `scan-confirm  p50=${c50.toFixed(1)} ms  p99=${c99.toFixed(1)} ms`,
    `claim         p50=${m('claim_ms', 'med').toFixed(1)} ms  p99=${m('claim_ms', 'p(99)').toFixed(1)} ms`,
    `health/live   p50=${h50.toFixed(1)} ms  p99=${h99.toFixed(1)} ms`,
    `ratio confirm/health  p50 ×${(c50 / h50).toFixed(1)}  p99 ×${(c99 / h99).toFixed(1)}`,
  ];
  return { stdout: lines.join('\n') + '\n' };
}
