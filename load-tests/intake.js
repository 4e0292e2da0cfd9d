// Storefront webhook intake at a fixed arrival rate (k6 script; runs under k6 or `npm run load -- intake`).
//
//   npm run load -- intake --env BASE_URL=http://127.0.0.1:3000 --env RATE=500 --env DURATION=30s
//
// setup() signs in (ADMIN_USER / ADMIN_PASSWORD, demo defaults), creates SKUs with stock and a Shopify connector
// with a fresh secret; every iteration POSTs a new Shopify `orders/create` webhook signed with
// HMAC-SHA256 over the raw body (X-Shopify-Hmac-Sha256). Thresholds: p99 acknowledge latency and no failures.
// teardown() waits until every delivery is processed and no order is left pending, and reports that time
// (`intake_drain_ms`): the "time until every order is allocated" figure. Nothing here may import outside k6.
//
// Finding the knee (ramping-arrival-rate): the offered rate climbs linearly from START_RATE to PEAK_RATE over DURATION;
// every answer is also counted in the band of offered rate it was sent at (STEP wide), and handleSummary reports the
// knee: the top of the last band with p99 < P99_MS and nothing refused before two bad bands in a row.
//
//   npm run load -- intake --env EXECUTOR=ramping-arrival-rate --env START_RATE=100 --env PEAK_RATE=3000 --env DURATION=60s
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const RATE = Number(__ENV.RATE || 300);
const DURATION = __ENV.DURATION || '30s';
const P99_MS = Number(__ENV.P99_MS || 50);
const SKU_COUNT = Number(__ENV.SKUS || 20);
const LINES = Number(__ENV.LINES || 2);
const DRAIN_TIMEOUT_S = Number(__ENV.DRAIN_TIMEOUT_S || 600);

const RAMP = __ENV.EXECUTOR === 'ramping-arrival-rate';
const START_RATE = Number(__ENV.START_RATE || 100);
const PEAK_RATE = Number(__ENV.PEAK_RATE || RATE * 3);
const STEP = Number(__ENV.STEP || 100);

export const options = {
  scenarios: {
    intake: RAMP
      ? {
          executor: 'ramping-arrival-rate',
          startRate: START_RATE,
          timeUnit: '1s',
          stages: [{ duration: DURATION, target: PEAK_RATE }],
          preAllocatedVUs: Math.min(200, PEAK_RATE),
          maxVUs: Math.max(400, PEAK_RATE * 2),
          gracefulStop: '10s',
        }
      : {
          executor: 'constant-arrival-rate',
          rate: RATE,
          timeUnit: '1s',
          duration: DURATION,
          preAllocatedVUs: Math.min(200, RATE),
          maxVUs: Math.max(400, RATE * 2),
          gracefulStop: '10s',
        },
  },
  // A ramp is meant to pass its capacity: refusals above the knee are its result, not a failure.
  thresholds: RAMP
    ? { 'checks{scenario:intake}': ['rate>0.999'] }
    : {
        'http_req_duration{scenario:intake}': [`p(99)<${P99_MS}`],
        'http_req_failed{scenario:intake}': ['rate<0.001'],
        'checks{scenario:intake}': ['rate>0.999'],
      },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

// One trend and one refusal counter per band of offered rate (metrics must be declared at init, in k6 as here).
const bands = [];
if (RAMP) for (let r = Math.floor(START_RATE / STEP) * STEP; r <= PEAK_RATE; r += STEP) bands.push(r);
const bandMs = Object.fromEntries(bands.map((r) => [r, new Trend(`intake_band_${r}_ms`, true)]));
const bandRefused = Object.fromEntries(bands.map((r) => [r, new Counter(`intake_band_${r}_refused`)]));
const durationS = parseDurationS(DURATION);
/** The offered rate now, on the linear ramp, as its band. */
function bandNow() {
  const t = Math.min(1, (Date.now() - exec.scenario.startTime) / 1000 / durationS);
  return Math.floor((START_RATE + (PEAK_RATE - START_RATE) * t) / STEP) * STEP;
}

const drainMs = new Trend('intake_drain_ms', true);
const ordersAccepted = new Counter('intake_orders_accepted');
const ordersAllocated = new Counter('intake_orders_allocated');

// ---- lifecycle ----
function json(res, what) {
  if (res.status < 200 || res.status >= 300) exec.test.abort(`${what} failed: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

export async function setup() {
  const login = json(
    await http.post(
      `${BASE}/v1/auth/login`,
      JSON.stringify({ username: __ENV.ADMIN_USER || 'admin', password: __ENV.ADMIN_PASSWORD || 'admin' }),
      { headers: { 'Content-Type': 'application/json' } },
    ),
    'login',
  );
  const auth = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${login.accessToken}` } };
  const whs = json(await http.get(`${BASE}/v1/warehouses`, auth), 'warehouses');
  const warehouseId = __ENV.WAREHOUSE_ID || whs.items[0].id;
  const run = Date.now();
  const stockPerSku = Math.ceil((RATE * parseDurationS(DURATION) * LINES * 3) / SKU_COUNT) + 100;
  const loc = json(
    await http.post(`${BASE}/v1/warehouses/${warehouseId}/locations`, JSON.stringify({ code: `LT-${run % 1e8}`, type: 'pick_face' }), auth),
    'location',
  );
  const skus = [];
  for (let i = 0; i < SKU_COUNT; i++) {
    const code = `LT-${run % 1e8}-${i}`;
    const sku = json(await http.put(`${BASE}/v1/catalog/skus/${code}`, JSON.stringify({ name: `Load test item ${i}` }), auth), 'sku');
    json(
      await http.post(
        `${BASE}/v1/stock/movements`,
        JSON.stringify({
          warehouseId,
          type: 'receipt',
          reasonCode: 'initial-stock',
          skuId: sku.id,
          qty: stockPerSku,
          to: { locationId: loc.id },
        }),
        auth,
      ),
      'receipt',
    );
    skus.push(code);
  }
  const secret = `lt-${run}-${Math.random().toString(36).slice(2)}`;
  const connector = json(
    await http.post(
      `${BASE}/v1/connectors`,
      JSON.stringify({
        kind: 'shopify',
        name: `load ${run}`,
        warehouseId,
        shopDomain: 'load-test.myshopify.com',
        webhookSecret: secret,
        pollEnabled: false,
      }),
      auth,
    ),
    'connector',
  );
  return { run, skus, secret, connectorId: connector.id, token: login.accessToken };
}

function parseDurationS(d) {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) return 60;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
}

export default async function (data) {
  const n = exec.scenario.iterationInTest;
  const id = data.run * 1000 + n;
  const lines = [];
  for (let l = 0; l < LINES; l++) {
    lines.push({
      id: id * 10 + l,
      sku: data.skus[(n * 7 + l * 3) % data.skus.length],
      name: `Item ${l}`,
      title: `Item ${l}`,
      quantity: 1 + (l % 2),
      price: '12.50',
      total_discount: '0.00',
      requires_shipping: true,
      variant_id: 1000 + l,
    });
  }
  const order = {
    id,
    name: `#LT${n}`,
    order_number: n,
    currency: 'EUR',
    email: 'buyer@example.com',
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    subtotal_price: '37.50',
    total_price: '42.40',
    total_tax: '0.00',
    total_discounts: '0.00',
    total_shipping_price_set: { shop_money: { amount: '4.90', currency_code: 'EUR' } },
    tags: n % 10 === 0 ? 'express' : '',
    note: null,
    customer: { id: 5000 + (n % 100), email: 'buyer@example.com', first_name: 'Zoë', last_name: 'Load' },
    shipping_address: {
      name: 'Zoë Load',
      address1: 'Keizersgracht 1',
      city: 'Amsterdam',
      zip: '1015 CJ',
      country: 'Netherlands',
      country_code: 'NL',
      phone: '+31 20 123 4567',
    },
    shipping_lines: [{ title: n % 10 === 0 ? 'Express' : 'Standard', price: '4.90' }],
    line_items: lines,
  };
  const body = JSON.stringify(order);
  const res = await http.post(`${BASE}/v1/webhooks/shopify/${data.connectorId}`, body, {
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Webhook-Id': `lt-${data.run}-${n}`,
      'X-Shopify-Hmac-Sha256': crypto.hmac('sha256', data.secret, body, 'base64'),
      'X-Shopify-Shop-Domain': 'load-test.myshopify.com',
    },
    tags: { name: 'shopify-webhook' },
  });
  if (RAMP) {
    const band = bandNow();
    bandMs[band]?.add(res.timings.duration);
    if (res.status !== 200) bandRefused[band]?.add(1);
    // Above capacity the answer must be a quick 503 with Retry-After; nothing else is acceptable.
    check(
      res,
      {
        'acknowledged 200, or refused 503 with Retry-After': (r) =>
          r.status === 200 || (r.status === 503 && Number(r.headers['Retry-After']) >= 1),
      },
      { scenario: 'intake' },
    );
    if (res.status === 200) ordersAccepted.add(1);
    return;
  }
  if (check(res, { 'acknowledged 200': (r) => r.status === 200 }, { scenario: 'intake' })) ordersAccepted.add(1);
}

/**
 * The knee of a ramp: the top of the last good band before the first two bad ones in a row (p99 >= P99_MS or any
 * refusal). Two, because on a shared machine one band can stall for reasons of its own.
 */
export function kneeOf(metrics) {
  // A band with no answers is missing from the summary (as in k6); summary trends carry no count.
  const seen = bands.filter((r) => metrics[`intake_band_${r}_ms`]?.values['p(99)'] !== undefined);
  const bad = (r) =>
    metrics[`intake_band_${r}_ms`].values['p(99)'] >= P99_MS || (metrics[`intake_band_${r}_refused`]?.values.count || 0) > 0;
  let knee = 0;
  for (let i = 0; i < seen.length; i++) {
    if (bad(seen[i]) && (i + 1 >= seen.length || bad(seen[i + 1]))) break;
    if (!bad(seen[i])) knee = seen[i] + STEP;
  }
  return knee;
}

export function handleSummary(data) {
  const out = { stdout: textSummary(data, { indent: ' ', enableColors: false }) };
  if (RAMP) {
    const rows = bands
      .map((r) => [r, data.metrics[`intake_band_${r}_ms`], data.metrics[`intake_band_${r}_refused`]])
      .filter(([, ms]) => ms && ms.values['p(99)'] !== undefined)
      .map(
        ([r, ms, refused]) =>
          `  ${r}–${r + STEP}/s: p99 ${ms.values['p(99)'].toFixed(1)} ms, refused ${refused ? refused.values.count : 0}`,
      );
    out.stdout += `\nintake knee: ${kneeOf(data.metrics)} webhooks/s (p99 < ${P99_MS} ms, nothing refused)\n${rows.join('\n')}\n`;
  }
  return out;
}

export async function teardown(data) {
  const auth = { headers: { Authorization: `Bearer ${data.token}` } };
  const start = Date.now();
  let stats;
  for (;;) {
    stats = JSON.parse((await http.get(`${BASE}/v1/connectors/${data.connectorId}/stats`, auth)).body);
    const waiting = (stats.deliveries.received || 0) + (stats.orders.pending || 0);
    if (waiting === 0 || Date.now() - start > DRAIN_TIMEOUT_S * 1000) break;
    await sleep(0.2);
  }
  drainMs.add(Date.now() - start);
  ordersAllocated.add(stats.orders.allocated || 0);
  console.log(
    `intake drain: ${Date.now() - start} ms after the last acknowledge; deliveries ${JSON.stringify(stats.deliveries)}; orders ${JSON.stringify(stats.orders)}`,
  );
}
