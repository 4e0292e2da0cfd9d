/**
 * Shim of `k6/http` over undici. Every call returns a Promise of the k6 Response, so scripts write
 * `const res = await http.get(url)`: in real k6 `await` on a plain value yields the value, so
 * the same line is valid there. Duration is measured with performance.now() from the call until
 * the body has been read in full; `waiting` ends when the response headers arrive.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest } from 'undici';
import { parseDurationMs } from '../duration.js';
import { baseTags, runtime, type ResponseCallback } from '../runtime.js';
import type { Tags } from '../metrics.js';

// One connection per in-flight request, kept alive, like k6's per-VU connections.
const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 60_000, connect: { timeout: 10_000 } });

export interface Params {
  headers?: Record<string, string>;
  tags?: Tags;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: ResponseCallback;
}

type Body = string | ArrayBuffer | Uint8Array | Record<string, unknown> | null | undefined;

export interface Timings {
  duration: number;
  waiting: number;
  receiving: number;
  sending: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
}

export class Response {
  status: number;
  status_text: string;
  body: string | ArrayBuffer | null;
  headers: Record<string, string>;
  timings: Timings;
  url: string;
  error: string;
  error_code: number;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  private parsed: unknown = undefined;

  constructor(init: Omit<Response, 'json' | 'parsed'>) {
    this.status = init.status;
    this.status_text = init.status_text;
    this.body = init.body;
    this.headers = init.headers;
    this.timings = init.timings;
    this.url = init.url;
    this.error = init.error;
    this.error_code = init.error_code;
    this.request = init.request;
  }

  /** Parsed JSON body; `selector` is a dotted path (`items.0.id`), a small subset of k6's gjson. */
  json(selector?: string): unknown {
    if (this.parsed === undefined) {
      const text = typeof this.body === 'string' ? this.body : this.body ? Buffer.from(this.body).toString('utf8') : '';
      this.parsed = JSON.parse(text);
    }
    if (!selector) return this.parsed;
    let cur: unknown = this.parsed;
    for (const key of selector.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
  }
}

function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

function encodeBody(body: Body, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof Uint8Array) return body;
  // k6 sends a plain object as an HTML form.
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

const HINT = 'k6/http under the Dockside runner returns a Promise: write `const res = await http.get(...)` (valid in k6 too)';

/** Makes forgetting `await` fail loudly instead of reading undefined fields. */
function guard(p: Promise<Response>): Promise<Response> {
  for (const field of ['status', 'body', 'headers', 'timings', 'json', 'error']) {
    Object.defineProperty(p, field, {
      get() {
        throw new TypeError(HINT);
      },
    });
  }
  return p;
}

async function send(method: string, url: string, body: Body, params: Params = {}): Promise<Response> {
  const rt = runtime();
  const headers: Record<string, string> = { 'User-Agent': 'dockside-k6-runner', ...(params.headers ?? {}) };
  const payload = encodeBody(body, headers);
  const tags: Tags = { ...baseTags(), method, url, name: url, ...(params.tags ?? {}) };
  const timeoutMs = parseDurationMs(params.timeout, 60_000);
  const signal = AbortSignal.timeout(timeoutMs);
  const t0 = performance.now();
  let tHeaders = t0;
  let status = 0;
  let error = '';
  let errorCode = 0;
  let respHeaders: Record<string, string> = {};
  let respBody: string | ArrayBuffer | null = null;
  let bytes = 0;
  try {
    const res = await undiciRequest(url, { method: method as 'GET', headers, body: payload, dispatcher: agent, signal });
    tHeaders = performance.now();
    status = res.statusCode;
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) respHeaders[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : v;
    }
    const buf = Buffer.from(await res.body.arrayBuffer());
    bytes = buf.byteLength;
    const type = params.responseType ?? 'text';
    respBody =
      type === 'none' ? null : type === 'binary' ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : buf.toString('utf8');
  } catch (e) {
    const err = e as Error & { code?: string };
    error = signal.aborted ? `request timeout after ${timeoutMs}ms` : `${err.code ?? err.name}: ${err.message}`;
    errorCode = signal.aborted ? 1050 : 1000; // k6: 1050 = request timeout, 1000 = generic
    respHeaders = {};
  }
  const tEnd = performance.now();
  const timings: Timings = {
    duration: tEnd - t0,
    waiting: tHeaders - t0,
    receiving: tEnd - tHeaders,
    sending: 0,
    blocked: 0,
    connecting: 0,
    tls_handshaking: 0,
  };
  const expected = status !== 0 && (params.responseCallback ?? rt.responseCallback)({ status });
  const sampleTags: Tags = { ...tags, status: String(status), expected_response: String(expected) };
  if (error) sampleTags.error_code = String(errorCode);
  rt.metrics.add('http_reqs', 1, sampleTags);
  rt.metrics.add('http_req_duration', timings.duration, sampleTags);
  rt.metrics.add('http_req_waiting', timings.waiting, sampleTags);
  rt.metrics.add('http_req_receiving', timings.receiving, sampleTags);
  rt.metrics.add('http_req_failed', expected ? 0 : 1, sampleTags);
  rt.metrics.add('data_received', bytes, sampleTags);
  rt.metrics.add('data_sent', typeof payload === 'string' ? Buffer.byteLength(payload) : (payload?.byteLength ?? 0), sampleTags);
  return new Response({
    status,
    status_text: status ? String(status) : '',
    body: respBody,
    headers: respHeaders,
    timings,
    url,
    error,
    error_code: errorCode,
    request: { method, url, headers, body: typeof payload === 'string' ? payload : '' },
  });
}

/** Any method; returns Promise<Response>. */
export function request(method: string, url: string, body?: Body, params?: Params): Promise<Response> {
  return guard(send(method.toUpperCase(), url, body, params));
}
export const get = (url: string, params?: Params) => request('GET', url, null, params);
export const head = (url: string, params?: Params) => request('HEAD', url, null, params);
export const post = (url: string, body?: Body, params?: Params) => request('POST', url, body, params);
export const put = (url: string, body?: Body, params?: Params) => request('PUT', url, body, params);
export const patch = (url: string, body?: Body, params?: Params) => request('PATCH', url, body, params);
export const del = (url: string, body?: Body, params?: Params) => request('DELETE', url, body, params);
export const options = (url: string, body?: Body, params?: Params) => request('OPTIONS', url, body, params);

type BatchItem = string | [string, string, Body?, Params?] | { method?: string; url: string; body?: Body; params?: Params };

function one(item: BatchItem): Promise<Response> {
  if (typeof item === 'string') return send('GET', item, null);
  if (Array.isArray(item)) return send(item[0].toUpperCase(), item[1], item[2], item[3]);
  return send((item.method ?? 'GET').toUpperCase(), item.url, item.body, item.params);
}

/** Sends all requests in parallel; an array gives an array, an object gives an object of responses. */
export function batch(requests: BatchItem[] | Record<string, BatchItem>): Promise<Response[] | Record<string, Response>> {
  if (Array.isArray(requests)) return Promise.all(requests.map(one));
  const keys = Object.keys(requests);
  return Promise.all(keys.map((k) => one(requests[k]))).then((rs) => Object.fromEntries(keys.map((k, i) => [k, rs[i]])));
}

/** A response callback marking the given statuses (numbers or {min, max}) as expected. */
export function expectedStatuses(...specs: Array<number | { min: number; max: number }>): ResponseCallback {
  return (res) => specs.some((s) => (typeof s === 'number' ? res.status === s : res.status >= s.min && res.status <= s.max));
}

/** Sets which statuses count as not failed in http_req_failed (default 200–399). */
export function setResponseCallback(cb: ResponseCallback): void {
  runtime().responseCallback = cb;
}

export default { request, get, head, post, put, patch, del, options, batch, expectedStatuses, setResponseCallback };
