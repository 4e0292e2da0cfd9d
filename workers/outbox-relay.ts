import pg from 'pg';
import type { Emitter } from '@socket.io/redis-emitter';
import type { EntityManager } from '@mikro-orm/postgresql';
import { toRelayed } from '../domain/events/event-log.js';
import type { RelayedEvent } from '../domain/events/catalogue.js';
import { sqlPrepared } from '../domain/shared/sql.js';
import type { Orm } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { QueueName, QueueRegistry } from '../platform/queues.js';
import type { OutboxRow } from '../domain/events/entities/outbox.entity.js';
import type { AdvisoryLockRow } from '../domain/shared/rows.js';

/** An outbox row as the relay reads it: the relayed event and the rooms it goes to. */
export type RelayRow = Parameters<typeof toRelayed>[0] & Pick<OutboxRow, 'rooms'>;

/**
 * The relay's whole read and write of a round, in one statement (one round trip, its own transaction), sent as a
 * named prepared statement (parsed and planned once per connection, not on every tick):
 * - `undelivered`: rows sequenced earlier but not yet marked delivered (the relay died or a delivery failed between
 *   the two), oldest first, up to the batch;
 * - when fewer than a whole batch of those wait, the committed unsequenced rows (locked, in insert-clock order) get
 *   the next seqs of their warehouse: each warehouse's event_stream is bumped by its count and the rows numbered in
 *   that order. A whole batch of undelivered rows sequences nothing, so delivery never runs ahead of an older seq.
 * Both parts see the same snapshot, so a row is in at most one of them. Parameters: the batch size, three times.
 */
// undelivered: the lowest seqs first, whatever the warehouse. A row taken has every lower seq of its warehouse taken
// too (they come before it in seq order), so each warehouse's part is a prefix of its undelivered rows, as ordering by
// (warehouse_id, seq) gave. It also lets the plan read outbox_undelivered_idx (seq), which holds only these rows:
// ordered by (warehouse_id, seq) the planner walked outbox_warehouse_id_seq_key, every row ever sequenced, on every
// tick (13,600 buffers, 15-70 ms, with ~15,000 events in a 300-picker run; issue 19, goal 3).
export const RELAY_TICK_SQL = `with undelivered as (
    select id, seq, warehouse_id, type, payload, created_at, rooms from outbox
    where seq is not null and relayed_at is null order by seq limit ?
  ),
  pending as (
    select id, warehouse_id, created_at from outbox
    where seq is null and (select count(*) from undelivered) < ?
    order by created_at, id limit ? for update
  ),
  counts as (select warehouse_id, count(*)::bigint as n from pending group by warehouse_id),
  bumped as (
    insert into event_stream (warehouse_id, last_seq) select warehouse_id, n from counts
    on conflict (warehouse_id) do update set last_seq = event_stream.last_seq + excluded.last_seq
    returning warehouse_id, last_seq
  ),
  numbered as (
    select p.id, b.last_seq - c.n + row_number() over (partition by p.warehouse_id order by p.created_at, p.id) as seq
    from pending p join counts c using (warehouse_id) join bumped b using (warehouse_id)
  ),
  sequenced as (
    update outbox o set seq = n.seq from numbered n where o.id = n.id
    returning o.id, o.seq, o.warehouse_id, o.type, o.payload, o.created_at, o.rooms
  )
  select * from undelivered union all select * from sequenced`;

/**
 * The round's delivered mark, sent after the delivery: its own transaction commits with synchronous_commit off (set
 * for that transaction alone), so it does not wait for a WAL flush. The mark only says "no need to deliver again": if
 * a crash loses it, the rows are delivered again with the same seqs, which the sequencing statement (a normal, durable
 * commit) fixed before anything was sent, and consumers dedupe by seq and job id, as after a crash between delivery
 * and mark. A flush took 2.6-5.4 ms on the shared machine's disk (pg_test_fsync, fdatasync), and each one the relay
 * waits for is one more that the handhelds' scan-confirm commits can queue behind (issue 19, goal 3).
 */
export const RELAY_MARK_SQL = `with async as (select set_config('synchronous_commit', 'off', true))
  update outbox set relayed_at = now() where id = any(?::bigint[]) and exists (select 1 from async)`;

/**
 * Outbox relay: the single leader (a PostgreSQL advisory lock) that orders and delivers events.
 *
 * Ordering without a writer-side sequence (the classic trap: a sequence taken inside concurrent
 * transactions commits out of order, so "everything after the last id" skips late committers):
 * the relay itself assigns the per-warehouse `seq` to whatever rows it sees committed and unsequenced,
 * so a late committer is never skipped — it simply gets the next seq when it becomes visible. The seq
 * order is therefore commit-visibility order, which is a causal order: a transaction that waited on
 * another's row lock commits (and becomes visible) after it. Within one batch, rows are ordered by their
 * insert clock time, which also puts such a waiter after the holder.
 *
 * An earlier version waited until every older transaction had finished (an xid horizon); that made every
 * live update wait on the oldest open write transaction in the database. Commit order needs no wait.
 * The relay commits the seqs BEFORE delivering, so a crash between the two re-delivers the same seqs
 * (at least once; consumers dedupe by seq / job id). For the same reason the delivered mark needs no durable commit
 * (RELAY_MARK_SQL).
 */
export class OutboxRelay {
  private client?: pg.Client;
  private stopped = false;
  private wake?: () => void;
  /** A wake arrived since the last tick started: do not sleep before the next one. */
  private poked = false;
  private loop?: Promise<void>;
  isLeader = false;

  constructor(
    private readonly orm: Orm,
    private readonly databaseUrl: string,
    private readonly emitter: Emitter,
    private readonly queues: QueueRegistry,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; batch?: number } = { pollMs: 250 },
  ) {}

  start(): void {
    this.loop = this.run().catch((err) => this.log.error({ err }, 'outbox relay crashed'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.client?.end().catch(() => undefined);
  }

  /** Something committed outbox rows (platform/outbox-wake.ts): tick now instead of at the next poll. */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.poked) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.isLeader) await this.acquireLeadership();
        if (this.isLeader) {
          this.poked = false;
          const n = await this.tick();
          if (n > 0) continue; // drain backlog without waiting
        }
      } catch (err) {
        this.log.warn({ err }, 'outbox relay iteration failed; retrying');
        await this.dropLeadership();
      }
      await this.sleep(this.isLeader ? this.opts.pollMs : 1000);
    }
    await this.dropLeadership();
  }

  private async acquireLeadership(): Promise<void> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'dockside-outbox-relay' });
      this.client.on('error', () => void this.dropLeadership());
      await this.client.connect();
    }
    const r = await this.client.query<AdvisoryLockRow>(`select pg_try_advisory_lock(hashtext('dockside.outbox-relay')) as ok`);
    this.isLeader = r.rows[0]!.ok;
    if (this.isLeader) this.log.info('outbox relay is the leader');
  }

  private async dropLeadership(): Promise<void> {
    this.isLeader = false;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  /**
   * One round, one statement: whatever is sequenced but undelivered (a crash or a failed delivery left it), then the
   * rows sequenced now, delivered in per-warehouse seq order.
   */
  async tick(): Promise<number> {
    const em = this.orm.em.fork();
    const batch = this.opts.batch ?? 500;
    const rows = await sqlPrepared<RelayRow>(em, RELAY_TICK_SQL, [batch, batch, batch]);
    if (!rows.length) return 0;
    rows.sort((a, b) => (a.warehouse_id < b.warehouse_id ? -1 : a.warehouse_id > b.warehouse_id ? 1 : Number(a.seq) - Number(b.seq)));
    await this.deliver(
      em,
      rows.map((r) => ({ event: toRelayed(r), rooms: r.rooms })),
    );
    return rows.length;
  }

  private async deliver(em: EntityManager, items: { event: RelayedEvent; rooms: string[] }[]): Promise<void> {
    // One Redis round trip per subscribing queue per batch, not one per event.
    const jobs = new Map<QueueName, { name: string; data: RelayedEvent; opts: { jobId: string } }[]>();
    for (const { event, rooms } of items) {
      this.emitter.to([`warehouse:${event.warehouseId}`, ...rooms]).emit('event', event);
      for (const q of this.queues.wantedBy(event)) {
        const list = jobs.get(q) ?? [];
        list.push({ name: event.type, data: event, opts: { jobId: `evt-${event.id}` } });
        jobs.set(q, list);
      }
    }
    for (const [q, batch] of jobs) await this.queues.get(q).addBulk(batch);
    await sqlPrepared(em, RELAY_MARK_SQL, [`{${items.map((i) => i.event.id).join(',')}}`]);
  }
}
