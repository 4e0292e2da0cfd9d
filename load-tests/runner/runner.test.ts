// End-to-end tests of the k6-subset runner: the CLI is spawned on fixture scripts against
// real node:http servers in this process.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..');
const cli = join(here, 'cli.ts');

let server: Server;
let target = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      // Exactly 50 ms: re-arm if the timer fired a fraction early.
      const t0 = performance.now();
      const finish = () => {
        const left = 50 - (performance.now() - t0);
        if (left > 0) setTimeout(finish, left);
        else res.end('slow');
      };
      setTimeout(finish, 50);
    } else if (req.url === '/error') {
      req.resume();
      req.on('end', () => {
        res.statusCode = 500;
        res.end('boom');
      });
    } else res.end('fast');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface Summary {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  root_group: {
    checks: Array<{ name: string; passes: number; fails: number }>;
    groups: Array<{ name: string; checks: Array<{ name: string; passes: number }> }>;
  };
}

describe('k6-subset runner', () => {
  let result: { code: number; stdout: string; stderr: string };
  let summary: Summary;

  beforeAll(async () => {
    const summaryPath = join(mkdtempSync(join(tmpdir(), 'k6-runner-')), 'summary.json');
    result = await runCli([
      join(here, 'fixtures', 'accounting.js'),
      '--builtin',
      '--env',
      `TARGET=${target}`,
      '--env',
      `SUMMARY_PATH=${summaryPath}`,
    ]);
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
  }, 30_000);

  it('runs the script and writes what handleSummary returns', () => {
    expect(result.stderr).toContain('Dockside k6-subset runner');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('http_req_duration');
    expect(summary.metrics.http_reqs.values.count).toBeGreaterThan(0);
  });

  it('schedules 200 arrivals/s for 2 s: each of the 400 is started or counted as dropped', () => {
    // A starved event loop (a loaded machine) holds responses until all 200 VUs are busy: k6 then drops
    // arrivals rather than start them late, and so does the runner. What must hold on any machine is the
    // accounting: no arrival is lost or invented. (The slow scenario's 40 arrivals can only add drops.)
    const fast = summary.metrics['iterations{scenario:fast}'].values.count;
    const dropped = summary.metrics.dropped_iterations.values.count;
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThanOrEqual(400);
    expect(fast + dropped).toBeGreaterThanOrEqual(400);
    expect(fast + dropped).toBeLessThanOrEqual(440);
  });

  it('accounts latency from request start to full body (50 ms server → p50 in [50, 50 + overhead])', () => {
    const slow = summary.metrics['http_req_duration{scenario:slow}'].values;
    // The overhead allowance comes from the same run's no-delay requests, so a loaded machine
    // (CPU contention delays every callback) does not fail a correct runner.
    const fast = summary.metrics['http_req_duration{scenario:fast}'].values;
    expect(slow.med).toBeGreaterThanOrEqual(50);
    expect(slow.med).toBeLessThanOrEqual(50 + Math.max(15, 3 * fast['p(90)']));
    expect(slow.min).toBeGreaterThanOrEqual(50);
  });

  it('aggregates checks, Rate and Counter samples', () => {
    const fast = summary.metrics['iterations{scenario:fast}'].values.count;
    const slow = summary.metrics.iterations.values.count - fast;
    expect(summary.metrics.fast_hits.values.count).toBe(fast);
    const status = summary.root_group.checks.find((c) => c.name === 'status is 200')!;
    const even = summary.root_group.checks.find((c) => c.name === 'iteration is even')!;
    expect(status).toMatchObject({ passes: fast, fails: 0 });
    expect(even.passes).toBe(Math.ceil(fast / 2));
    expect(even.fails).toBe(Math.floor(fast / 2));
    expect(summary.metrics.even_iter.values.rate).toBeCloseTo(Math.ceil(fast / 2) / fast, 6);
    expect(summary.metrics.checks.values.passes).toBe(fast + Math.ceil(fast / 2) + slow);
    const group = summary.root_group.groups.find((g) => g.name === 'slow group')!;
    expect(group.checks[0]).toMatchObject({ name: 'slow body', passes: slow });
    // __VU is per VU (1-based), not a shared counter
    expect(summary.metrics.vu_ids.values.min).toBeGreaterThanOrEqual(1);
  });

  it('passes setup() data to every iteration', () => {
    expect(summary.metrics.setup_seen.values.count).toBe(summary.metrics.iterations.values.count);
  });
});

describe('k6-subset runner exit codes', () => {
  it('exits 99 when a threshold fails, and writes --out json samples', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'k6-out-')), 'samples.json');
    const r = await runCli([join(here, 'fixtures', 'failing.js'), '--builtin', '--env', `TARGET=${target}`, '--out', `json=${out}`]);
    expect(r.code).toBe(99);
    expect(r.stderr).toContain('thresholds crossed');
    expect(r.stdout).toMatch(/✗ http_req_failed rate<0\.01/);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const failed = lines.filter((l) => l.type === 'Point' && l.metric === 'http_req_failed');
    expect(failed).toHaveLength(6);
    expect(failed[0].data).toMatchObject({ value: 1, tags: { method: 'POST', status: '500', scenario: 'once' } });
    expect(lines).toContainEqual({
      type: 'Metric',
      metric: 'http_req_duration',
      data: { name: 'http_req_duration', type: 'trend', contains: 'time' },
    });
  }, 30_000);

  it('hands the script to a real k6 when one is on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-k6-'));
    const fake = join(dir, 'k6');
    writeFileSync(fake, '#!/bin/sh\necho "fake-k6 $@"\nexit 3\n');
    chmodSync(fake, 0o755);
    const r = await runCli(['smoke', '--env', 'A=1'], { PATH: `${dir}:${process.env.PATH}` });
    expect(r.stderr).toContain(`with k6 at ${fake}`);
    expect(r.stdout).toContain(`fake-k6 run --env A=1 ${join(repoRoot, 'load-tests', 'smoke.js')}`);
    expect(r.code).toBe(3);
  }, 30_000);
});
