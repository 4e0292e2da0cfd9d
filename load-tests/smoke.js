// Smoke scenario: a fixed arrival rate of GETs against any HTTP target.
//   npm run load -- smoke --env TARGET=http://127.0.0.1:3000/health --env RATE=50 --env DURATION=10s
// Valid k6: every http call and sleep is awaited (in k6, await on a plain value yields it).
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const target = __ENV.TARGET || 'http://127.0.0.1:3000/health';
const okResponses = new Counter('smoke_ok');
const bodyBytes = new Trend('smoke_body_bytes');

export const options = {
  scenarios: {
    smoke: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 20),
      timeUnit: '1s',
      duration: __ENV.DURATION || '5s',
      preAllocatedVUs: 10,
      maxVUs: 100,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{scenario:smoke}': ['p(99)<500'],
    checks: ['rate>0.99'],
  },
};

export default async function () {
  const res = await http.get(target, { tags: { name: 'target' } });
  const ok = check(res, { 'status is 2xx': (r) => r.status >= 200 && r.status < 300 });
  if (ok) okResponses.add(1);
  bodyBytes.add(res.body ? res.body.length : 0);
}
