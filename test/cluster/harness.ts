import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
// Spawn node itself with the tsx loader (not the tsx CLI, which forks a child): a SIGKILL must hit the
// process that serves, or a "killed" API or relay would quietly keep running.
const NODE_ARGS = ['--import', 'tsx'];
/** How long a process may take to come up (a busy 2-core machine starting four tsx processes at once is slow). */
const START_TIMEOUT_MS = Number(process.env.CLUSTER_START_TIMEOUT_MS ?? 180_000);

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Proc {
  name: string;
  kind: 'api' | 'worker' | 'redis';
  port?: number;
  child?: ChildProcess;
  logs: string[];
}

/**
 * Starts K API and M worker processes (real `tsx api/server.ts` / `tsx workers/main.ts`) against one
 * Postgres database and one Redis, optionally its own redis-server on a free port so a test may kill it.
 * Helpers kill (SIGKILL), restart, pause (SIGSTOP) and resume any process; the own Redis restarts empty
 * (no persistence) on the same port, and can be flushed.
 */
export class Cluster {
  readonly procs = new Map<string, Proc>();
  redisUrl = '';

  private constructor(private readonly env: NodeJS.ProcessEnv) {}

  static async start(opts: {
    apis: number;
    workers: number;
    databaseUrl: string;
    redisUrl?: string;
    ownRedis?: boolean;
    env?: Record<string, string>;
  }): Promise<Cluster> {
    const c = new Cluster({
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: opts.databaseUrl,
      RELAY_POLL_MS: '50',
      ...opts.env,
    });
    if (opts.ownRedis) await c.startRedis();
    else c.redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
    c.env.REDIS_URL = c.redisUrl;
    await Promise.all([
      ...Array.from({ length: opts.apis }, (_, i) => c.spawnApi(`api${i}`)),
      ...Array.from({ length: opts.workers }, (_, i) => c.spawnWorker(`worker${i}`)),
    ]);
    return c;
  }

  private async startRedis(onPort?: number): Promise<void> {
    const port = onPort ?? (await freePort());
    const p: Proc = { name: 'redis', kind: 'redis', port, logs: [] };
    p.child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.procs.set('redis', p);
    this.redisUrl = `redis://127.0.0.1:${port}`;
    await waitFor(() => p.child!.stdout!.readableLength > 0 || p.logs.length > 0 || false, 100).catch(() => undefined);
    p.child.stdout!.on('data', (d) => p.logs.push(String(d)));
    await waitFor(async () => p.logs.join('').includes('Ready to accept connections'), 10_000, 'redis-server');
  }

  private watch(p: Proc): void {
    const push = (d: Buffer) => {
      for (const line of String(d).split('\n')) if (line) p.logs.push(line);
      if (p.logs.length > 2000) p.logs.splice(0, p.logs.length - 2000);
    };
    p.child!.stdout!.on('data', push);
    p.child!.stderr!.on('data', push);
  }

  private async spawnApi(name: string, port?: number): Promise<Proc> {
    const p: Proc = { name, kind: 'api', port: port ?? (await freePort()), logs: [] };
    p.child = spawn(process.execPath, [...NODE_ARGS, 'api/server.ts'], {
      cwd: ROOT,
      env: { ...this.env, PORT: String(p.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.watch(p);
    this.procs.set(name, p);
    await waitFor(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${p.port}/health/ready`)).status === 200;
        } catch {
          return false;
        }
      },
      START_TIMEOUT_MS,
      `${name} ready`,
    ).catch((e) => {
      throw new Error(`${e.message}; last output:\n${p.logs.slice(-10).join('\n')}`);
    });
    return p;
  }

  private async spawnWorker(name: string): Promise<Proc> {
    const p: Proc = { name, kind: 'worker', logs: [] };
    p.child = spawn(process.execPath, [...NODE_ARGS, 'workers/main.ts'], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.watch(p);
    this.procs.set(name, p);
    await waitFor(() => p.logs.some((l) => l.includes('workers started')), START_TIMEOUT_MS, `${name} started`).catch((e) => {
      throw new Error(`${e.message}; last output:\n${p.logs.slice(-10).join('\n')}`);
    });
    return p;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.procs.get(name)!.port}`;
  }

  /** SIGKILL: no shutdown hooks run, as when a machine dies. */
  async kill(name: string): Promise<void> {
    const p = this.procs.get(name)!;
    if (!p.child || p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = new Promise((r) => p.child!.once('exit', r));
    p.child.kill('SIGKILL');
    await exited;
  }

  async restart(name: string): Promise<void> {
    const p = this.procs.get(name)!;
    await this.kill(name);
    if (p.kind === 'api') await this.spawnApi(name, p.port);
    else if (p.kind === 'worker') await this.spawnWorker(name);
    else await this.startRedis(p.port);
  }

  /** Empties the cluster's own Redis (every queue, scheduler, dedup key and socket channel) mid-flow. */
  async flushRedis(): Promise<void> {
    const { Redis } = await import('ioredis');
    const r = new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
    await r.flushall();
    r.disconnect();
  }

  pause(name: string): void {
    this.procs.get(name)!.child!.kill('SIGSTOP');
  }

  resume(name: string): void {
    this.procs.get(name)!.child!.kill('SIGCONT');
  }

  /** Which worker currently leads the outbox relay (from its log). */
  leader(): string | undefined {
    let best: { name: string; at: number } | undefined;
    for (const p of this.procs.values()) {
      if (p.kind !== 'worker' || !p.child || p.child.exitCode !== null || p.child.signalCode) continue;
      const i = p.logs.findLastIndex((l) => l.includes('outbox relay is the leader'));
      if (i >= 0 && (!best || i > best.at)) best = { name: p.name, at: i };
    }
    return best?.name;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.procs.values()].map(async (p) => {
        if (!p.child || p.child.exitCode !== null || p.child.signalCode) return;
        p.child.kill('SIGCONT');
        const exited = new Promise((r) => p.child!.once('exit', r));
        p.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (p.child.exitCode === null) p.child.kill('SIGKILL');
      }),
    );
  }
}
