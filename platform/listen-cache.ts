import pg from 'pg';
import type { Logger } from './logger.js';

/**
 * A per-process read cache kept exact by PostgreSQL itself: triggers on the source tables
 * `pg_notify(channel, key)` when a row a cached value depends on changes, and NOTIFY is delivered
 * only after the writing transaction commits. Each process LISTENs on one connection and drops the
 * keys it is told about, so no write path can forget to invalidate.
 *
 * - While the LISTEN connection is not up, the cache is bypassed (every get reads) and it is
 *   emptied when the connection comes back.
 * - A value read while an invalidation arrives is not stored (an epoch guards the fill), so a
 *   read that raced a commit cannot put the old value back.
 * - `ttlMs` only bounds memory and lost-message risk; it is not what keeps values fresh.
 */
export class ListenCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private client?: pg.Client;
  private listening = false;
  private epoch = 0;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly opts: { ttlMs: number; maxEntries: number } = { ttlMs: 60_000, maxEntries: 50_000 },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((err: unknown) => this.lost(err));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** The cached value, or `load()` (stored only if no invalidation arrived meanwhile and LISTEN is up). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (this.listening && hit && Date.now() - hit.at < this.opts.ttlMs) return hit.value;
    const epoch = this.epoch;
    const value = await load();
    if (this.listening && epoch === this.epoch) {
      if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
      this.entries.set(key, { at: Date.now(), value });
    }
    return value;
  }

  /** Drops a key here (the trigger's NOTIFY tells every process, this one included). */
  invalidate(key: string): void {
    this.epoch++;
    this.entries.delete(key);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: `dockside-listen-${this.channel}` });
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload) this.invalidate(n.payload);
    });
    client.on('error', (err) => this.lost(err));
    client.on('end', () => this.lost(new Error('LISTEN connection ended')));
    await client.connect();
    await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    this.client = client;
    this.epoch++;
    this.entries.clear();
    this.listening = true;
  }

  private lost(err: unknown): void {
    if (this.stopped) return;
    const wasListening = this.listening;
    this.listening = false;
    this.epoch++;
    this.entries.clear();
    const c = this.client;
    this.client = undefined;
    void c?.end().catch(() => undefined);
    if (wasListening || !this.retry) this.log.warn({ err, channel: this.channel }, 'cache LISTEN connection lost; reading through');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect().catch((e: unknown) => this.lost(e));
    }, 1000);
  }
}
