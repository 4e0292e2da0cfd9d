// Stock queries and scan resolution under an open arrival rate, as the floor and the office hit them:
// handheld scans (POST /v1/scans/resolve with GTINs, location codes, SKU codes) mixed with supervisor
// stock queries (balances by SKU, per-SKU totals, movement history, near-expiry).
//
//   npm run load -- stock-queries --env BASE_URL=http://127.0.0.1:3000 --env RATE=200 --env DURATION=30s
//
// setup() signs in (ADMIN_USER / ADMIN_PASSWORD, demo defaults), picks the first warehouse and samples
// SKUs (with their barcodes) and locations from the API; needs the demo data (or any stocked warehouse).
// Thresholds: p99 of scans and of queries, no failures. Nothing here may import outside k6.
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const RATE = Number(__ENV.RATE || 100);
const DURATION = __ENV.DURATION || '30s';
const SCAN_P99_MS = Number(__ENV.SCAN_P99_MS || 50);
const QUERY_P99_MS = Number(__ENV.QUERY_P99_MS || 150);

export const options = {
  scenarios: {
    scans: {
      executor: 'constant-arrival-rate',
      rate: Math.ceil(RATE * 0.8),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 20,
      maxVUs: 200,
      exec: 'scan',
    },
    queries: {
      executor: 'constant-arrival-rate',
      rate: Math.max(1, Math.floor(RATE * 0.2)),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 10,
      maxVUs: 100,
      exec: 'query',
    },
  },
  thresholds: {
    'http_req_duration{scenario:scans}': [`p(99)<${SCAN_P99_MS}`],
    'http_req_duration{scenario:queries}': [`p(99)<${QUERY_P99_MS}`],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

const scanMs = new Trend('scan_resolve_ms', true);
const json = (token) => ({ headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } });

export async function setup() {
  const login = await http.post(
    `${BASE}/v1/auth/login`,
    JSON.stringify({ username: __ENV.ADMIN_USER || 'admin', password: __ENV.ADMIN_PASSWORD || 'admin' }),
    { headers: { 'Content-Type': 'application/json' } },
  );
  const token = login.json().accessToken;
  const whs = (await http.get(`${BASE}/v1/warehouses`, json(token))).json().items;
  const warehouseId = whs[0].id;
  const skus = (await http.get(`${BASE}/v1/catalog/skus?limit=200`, json(token))).json().items;
  const locs = (await http.get(`${BASE}/v1/warehouses/${warehouseId}/locations?type=pick_face&limit=200`, json(token))).json().items;
  const scans = [];
  for (const s of skus) {
    scans.push(s.code);
    for (const b of s.barcodes) scans.push(b.barcode);
  }
  for (const l of locs) scans.push(l.code);
  return { token, warehouseId, scans, skuIds: skus.map((s) => s.id) };
}

export async function scan(data) {
  const raw = data.scans[Math.floor(Math.random() * data.scans.length)];
  const res = await http.post(`${BASE}/v1/scans/resolve`, JSON.stringify({ warehouseId: data.warehouseId, raw }), {
    ...json(data.token),
    tags: { name: 'scan-resolve' },
  });
  check(res, { 'scan resolved': (r) => r.status === 200 && r.json('match.kind') !== 'none' });
  scanMs.add(res.timings.duration);
}

export async function query(data) {
  const sku = data.skuIds[Math.floor(Math.random() * data.skuIds.length)];
  const wh = data.warehouseId;
  const pick = Math.random();
  const url =
    pick < 0.4
      ? `${BASE}/v1/stock/balances?warehouseId=${wh}&skuId=${sku}`
      : pick < 0.7
        ? `${BASE}/v1/stock/by-sku?warehouseId=${wh}&skuId=${sku}`
        : pick < 0.9
          ? `${BASE}/v1/stock/movements?warehouseId=${wh}&skuId=${sku}&limit=50`
          : `${BASE}/v1/stock/near-expiry?warehouseId=${wh}&withinDays=90`;
  const res = await http.get(url, { ...json(data.token), tags: { name: 'stock-query' } });
  check(res, { 'query ok': (r) => r.status === 200 });
}
