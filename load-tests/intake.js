// Storefront webhook intake at a fixed arrival rate (k6 script; runs under k6 or `npm run load -- intake`).
//
//   npm run load -- intake --env BASE_URL=http://127.0.0.1:3000 --env RATE=500 --env DURATION=30s
//
// setup() signs in (ADMIN_USER / ADMIN_PASSWORD, demo defaults), creates SKUs with stock and a Shopify connector
// with a fresh secret; every iteration POSTs a new Shopify `orders/create` webhook signed with
// HMAC-SHA256 over the raw body (X-Shopify-Hmac-Sha256). Thresholds: p99 acknowledge latency and no failures.
// teardown() waits until every delivery is processed and no order is left pending, and reports that time
// (`intake_drain_ms`): the "time until every order is allocated" figure. Nothing here may import outside k6.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const RATE = Number(__ENV.RATE || 300);
const DURATION = __ENV.DURATION || '30s';
const P99_MS = Number(__ENV.P99_MS || 50);
const SKU_COUNT = Number(__ENV.SKUS || 20);
const LINES = Number(__ENV.LINES || 2);
const DRAIN_TIMEOUT_S = Number(__ENV.DRAIN_TIMEOUT_S || 600);

export const options = {
  scenarios: {
    intake: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: Math.min(200, RATE), maxVUs: Math.max(400, RATE * 2), gracefulStop: '10s' },
  },
  thresholds: {
    'http_req_duration{scenario:intake}': [`p(99)<${P99_MS}`],
    'http_req_failed{scenario:intake}': ['rate<0.001'],
    'checks{scenario:intake}': ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

const drainMs = new Trend('intake_drain_ms', true);
const ordersAccepted = new Counter('intake_orders_accepted');
const ordersAllocated = new Counter('intake_orders_allocated');

// ---- SHA-256 (FIPS 180-4) and HMAC (RFC 2104) in plain JS: k6/crypto is not available in every runner. ----
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

function utf8(str) {
  const s = unescape(encodeURIComponent(str));
  const out = new Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function sha256(bytes) {
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const bitLen = bytes.length * 8;
  const msg = bytes.slice();
  msg.push(0x80);
  while (msg.length % 64 !== 56) msg.push(0);
  for (let i = 7; i >= 0; i--) msg.push(i >= 4 ? 0 : (bitLen >>> (i * 8)) & 0xff);
  const w = new Array(64);
  for (let off = 0; off < msg.length; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = (msg[off + 4 * t] << 24) | (msg[off + 4 * t + 1] << 16) | (msg[off + 4 * t + 2] << 8) | msg[off + 4 * t + 3];
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15], b = w[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let [A, B, C, D, E, F, G, H] = h;
    for (let t = 0; t < 64; t++) {
      const S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
      const ch = (E & F) ^ (~E & G);
      const t1 = (H + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
      const maj = (A & B) ^ (A & C) ^ (B & C);
      const t2 = (S0 + maj) | 0;
      H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
    }
    h[0] = (h[0] + A) | 0; h[1] = (h[1] + B) | 0; h[2] = (h[2] + C) | 0; h[3] = (h[3] + D) | 0;
    h[4] = (h[4] + E) | 0; h[5] = (h[5] + F) | 0; h[6] = (h[6] + G) | 0; h[7] = (h[7] + H) | 0;
  }
  const out = [];
  for (const x of h) out.push((x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
  return out;
}

function hmacSha256(keyBytes, msgBytes) {
  let key = keyBytes.length > 64 ? sha256(keyBytes) : keyBytes.slice();
  while (key.length < 64) key.push(0);
  const ipad = key.map((b) => b ^ 0x36);
  const opad = key.map((b) => b ^ 0x5c);
  return sha256(opad.concat(sha256(ipad.concat(msgBytes))));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >>> 18) & 63] + B64[(n >>> 12) & 63] + (i + 1 < bytes.length ? B64[(n >>> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return s;
}

// ---- lifecycle ----
function json(res, what) {
  if (res.status < 200 || res.status >= 300) exec.test.abort(`${what} failed: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

export async function setup() {
  const sanity = base64(hmacSha256(utf8('key'), utf8('The quick brown fox jumps over the lazy dog')));
  if (sanity !== '97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=') exec.test.abort(`HMAC self-check failed: ${sanity}`);
  const login = json(await http.post(`${BASE}/v1/auth/login`, JSON.stringify({ username: __ENV.ADMIN_USER || 'admin', password: __ENV.ADMIN_PASSWORD || 'admin' }), { headers: { 'Content-Type': 'application/json' } }), 'login');
  const auth = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${login.accessToken}` } };
  const whs = json(await http.get(`${BASE}/v1/warehouses`, auth), 'warehouses');
  const warehouseId = __ENV.WAREHOUSE_ID || whs.items[0].id;
  const run = Date.now();
  const stockPerSku = Math.ceil((RATE * parseDurationS(DURATION) * LINES * 3) / SKU_COUNT) + 100;
  const loc = json(await http.post(`${BASE}/v1/warehouses/${warehouseId}/locations`, JSON.stringify({ code: `LT-${run % 1e8}`, type: 'pick_face' }), auth), 'location');
  const skus = [];
  for (let i = 0; i < SKU_COUNT; i++) {
    const code = `LT-${run % 1e8}-${i}`;
    const sku = json(await http.put(`${BASE}/v1/catalog/skus/${code}`, JSON.stringify({ name: `Load test item ${i}` }), auth), 'sku');
    json(await http.post(`${BASE}/v1/stock/movements`, JSON.stringify({ warehouseId, type: 'receipt', skuId: sku.id, qty: stockPerSku, to: { locationId: loc.id } }), auth), 'receipt');
    skus.push(code);
  }
  const secret = `lt-${run}-${Math.random().toString(36).slice(2)}`;
  const connector = json(await http.post(`${BASE}/v1/connectors`, JSON.stringify({ kind: 'shopify', name: `load ${run}`, warehouseId, shopDomain: 'load-test.myshopify.com', webhookSecret: secret, pollEnabled: false }), auth), 'connector');
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
    lines.push({ id: id * 10 + l, sku: data.skus[(n * 7 + l * 3) % data.skus.length], name: `Item ${l}`, title: `Item ${l}`, quantity: 1 + (l % 2), price: '12.50', total_discount: '0.00', requires_shipping: true, variant_id: 1000 + l });
  }
  const order = {
    id, name: `#LT${n}`, order_number: n, currency: 'EUR', email: 'buyer@example.com', created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
    subtotal_price: '37.50', total_price: '42.40', total_tax: '0.00', total_discounts: '0.00', total_shipping_price_set: { shop_money: { amount: '4.90', currency_code: 'EUR' } },
    tags: n % 10 === 0 ? 'express' : '', note: null, customer: { id: 5000 + (n % 100), email: 'buyer@example.com', first_name: 'Zoë', last_name: 'Load' },
    shipping_address: { name: 'Zoë Load', address1: 'Keizersgracht 1', city: 'Amsterdam', zip: '1015 CJ', country: 'Netherlands', country_code: 'NL', phone: '+31 20 123 4567' },
    shipping_lines: [{ title: n % 10 === 0 ? 'Express' : 'Standard', price: '4.90' }], line_items: lines,
  };
  const body = JSON.stringify(order);
  const res = await http.post(`${BASE}/v1/webhooks/shopify/${data.connectorId}`, body, {
    headers: {
      'Content-Type': 'application/json', 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': `lt-${data.run}-${n}`,
      'X-Shopify-Hmac-Sha256': base64(hmacSha256(utf8(data.secret), utf8(body))), 'X-Shopify-Shop-Domain': 'load-test.myshopify.com',
    },
    tags: { name: 'shopify-webhook' },
  });
  if (check(res, { 'acknowledged 200': (r) => r.status === 200 }, { scenario: 'intake' })) ordersAccepted.add(1);
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
  console.log(`intake drain: ${Date.now() - start} ms after the last acknowledge; deliveries ${JSON.stringify(stats.deliveries)}; orders ${JSON.stringify(stats.orders)}`);
}
