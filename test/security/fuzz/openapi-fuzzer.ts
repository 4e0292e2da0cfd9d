import fc from 'fast-check';
import { arbitraryFor, hostile, mutate, type JsonSchema } from './schema-arbitrary.js';

interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface FuzzFinding {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  why: string;
  request: string;
}

export interface FuzzReport {
  routes: string[];
  requests: number;
  byStatus: Record<string, number>;
  findings: FuzzFinding[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of an OpenAPI document as [method, path template, operation]. */
export function operations(doc: { paths: Record<string, Record<string, Operation>> }): [string, string, Operation][] {
  const out: [string, string, Operation][] = [];
  for (const [path, item] of Object.entries(doc.paths)) for (const m of METHODS) if (item[m]) out.push([m.toUpperCase(), path, item[m]!]);
  return out;
}

const hostileParam = fc.constantFrom(
  'x',
  '0',
  '-1',
  'null',
  'a'.repeat(5000),
  '%00',
  '..%2F..%2F',
  '😀',
  "' or 1=1",
  '1e999',
  'eyJ4IjoxfQ',
  '!!!',
);

function render(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/**
 * Sends `runs` valid-ish and `runs` hostile requests to every operation: params, query, headers and bodies from the
 * schemas (fast-check, seeded), then mutated (wrong types, oversized, unicode, deep nesting, __proto__ keys).
 * A finding is any 5xx, any 4xx that is not application/problem+json, or a request that did not answer.
 */
export async function fuzzApi(opts: {
  baseUrl: string;
  doc: { paths: Record<string, Record<string, Operation>> };
  tokens: string[];
  runs: number;
  seed: number;
  skip?: (method: string, path: string) => boolean;
}): Promise<FuzzReport> {
  const report: FuzzReport = { routes: [], requests: 0, byStatus: {}, findings: [] };
  let n = 0;
  for (const [method, path, op] of operations(opts.doc)) {
    if (opts.skip?.(method, path)) continue;
    report.routes.push(`${method} ${path}`);
    const params = op.parameters ?? [];
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    for (let i = 0; i < opts.runs * 2; i++) {
      const evil = i % 2 === 1;
      const seed = opts.seed + n++;
      const pick = <T>(arb: fc.Arbitrary<T>) => fc.sample(arb, { seed, numRuns: 1 })[0]!;
      let url = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const p of params) {
        const wild = evil && pick(fc.nat(2)) === 0;
        const value = render(wild ? pick(p.in === 'path' ? hostileParam : hostile) : pick(arbitraryFor(p.schema)));
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(value));
        else if (p.in === 'query' && (p.required || pick(fc.boolean()) || wild)) query.set(p.name, value.slice(0, 8000));
        else if (p.in === 'header') headers[p.name] = value.replace(/[^\x20-\x7e]/g, '?').slice(0, 8000);
      }
      const token = opts.tokens[pick(fc.nat(opts.tokens.length - 1))];
      if (token) headers.authorization = `Bearer ${token}`;
      if (evil && pick(fc.nat(4)) === 0)
        headers['idempotency-key'] = pick(fc.constantFrom('', 'k'.repeat(4000), '\t', 'é'.replace(/[^\x20-\x7e]/g, '?')));
      let body: string | undefined;
      if (bodySchema || (evil && method !== 'GET' && method !== 'DELETE')) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(pick(evil ? mutate(arbitraryFor(bodySchema)) : arbitraryFor(bodySchema)));
        if (evil && pick(fc.nat(9)) === 0)
          body = pick(fc.constantFrom('{"a":', 'null', '[', '\u0000', '{"a":1,"a":2}', 'x'.repeat(2_000_000)));
      }
      const target = `${opts.baseUrl}${url}${query.size ? `?${query}` : ''}`;
      report.requests++;
      let status: number;
      let contentType: string | null;
      try {
        const res = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(30_000) });
        status = res.status;
        contentType = res.headers.get('content-type');
        await res.arrayBuffer();
      } catch (err) {
        report.findings.push({
          method,
          path,
          status: 0,
          contentType: null,
          why: `no answer: ${(err as Error).message}`,
          request: target.slice(0, 300),
        });
        continue;
      }
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      const why =
        status >= 500
          ? '5xx'
          : status >= 400 && !contentType?.includes('application/problem+json')
            ? '4xx without problem+json'
            : undefined;
      if (why)
        report.findings.push({
          method,
          path,
          status,
          contentType,
          why,
          request: `${target.slice(0, 300)} ${body ? body.slice(0, 300) : ''}`,
        });
    }
  }
  return report;
}
