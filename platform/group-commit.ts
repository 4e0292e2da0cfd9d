/**
 * Group commit: callers submit items one at a time and each gets its own result, but the items are
 * written in batches. There is no timer: when a writer is free a submitted item starts a write at
 * once (no added latency when idle); while every writer is busy, new items wait and all go in the
 * next batch (up to `maxBatch`). Under load this turns N small transactions into a few large ones;
 * at rest it behaves like one transaction per item. `concurrency` writers may be in flight at once
 * (default 1), so one slow batch does not hold every waiting item behind it.
 *
 * With `spreadBy` (an item's key: the rows it locks, say), the items waiting when a writer starts are shared
 * among the writers free to take them, by key: a batch takes whole keys until it holds its share
 * (ceil(waiting / free writers), at most `maxBatch`), never a key another batch in flight holds, and a writer is
 * started for the rest. Callers that resubmit as soon as their results arrive (a closed loop: clients, a worker
 * pool) all come back in the same tick; without it one writer takes them all every round and the other writers
 * stay idle, so one database backend does the whole batch while the other cores wait. Keeping a key in one batch
 * at a time keeps batches off each other's rows (no lock waits or deadlocks between them; a hot key's items go
 * in one batch after another, as without spreading) and keeps each key's items in submission order.
 *
 * A failed batch of several items is retried item by item, so one bad item fails alone.
 *
 * With `deadlineMs`, no caller waits much longer than that: one sweep (every deadlineMs / 20) rejects each item older
 * than the deadline with `GroupCommitExpired`. An item still waiting for a writer is withdrawn (it will never be
 * written: `written` false); one in a batch being written is let go (`written` 'maybe': the batch may still commit).
 * One timer for all, where a timer and a Promise.race per item cost each caller a timer, a race and three promises.
 *
 * With `standbyMs`, the writers beyond the first `eagerWriters` (default 1) are standbys: one starts only when a full
 * batch (`maxBatch`) waits, or when the oldest waiting item has waited `standbyMs` with no batch started (every writer
 * in flight stuck), checked as items arrive and by one timer while items wait. Otherwise whatever arrives during a
 * write waits for a writer in flight and goes in its next batch: batches as large as the arrival rate × the write
 * time, not split over every free writer, so the same items cost fewer statements and commits (the webhook edge:
 * half). Without it every free writer starts at once.
 *
 * With `settleSlice`, a written batch's callers are resumed at most that many per loop turn (the rest after a
 * setImmediate each), while the writer goes on with the next batch. Resuming 500 callers at once runs all their
 * continuations (an HTTP answer each, say) in one stretch of the event loop, and everything else waits behind it:
 * requests that could be refused in microseconds sit in their sockets meanwhile.
 */
export class GroupCommitExpired {
  /** false: withdrawn before any writer took it, never written; 'maybe': its batch was being written and may commit. */
  constructor(readonly written: false | 'maybe') {}
}

type Entry<I, O> = { item: I; at: number; resolve: (o: O) => void; reject: (e: unknown) => void; expired?: true };

export class GroupCommit<I, O> {
  private waiting: Entry<I, O>[] = [];
  /** Batches being written (for the deadline sweep). */
  private inFlight = new Set<Entry<I, O>[]>();
  private sweeper: NodeJS.Timeout | undefined;
  private writers = new Set<Promise<void>>();
  private writing = 0;
  /** Batches being written. */
  private batches = 0;
  /** With spreadBy: the keys of the batches being written. */
  private busy = new Set<string>();
  /** When recent batches started and how long their oldest item had waited (for `standingWaitMs`). */
  private starts: { at: number; waitMs: number }[] = [];
  /** When the last batch started (for `stalledMs`). */
  private lastStart = 0;
  private closed = false;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly spreadBy: ((item: I) => string) | undefined;
  private readonly settleSlice: number;
  private readonly standbyMs: number | undefined;
  private readonly eagerWriters: number;
  private standbyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    opts: {
      maxBatch?: number;
      concurrency?: number;
      spreadBy?: (item: I) => string;
      deadlineMs?: number;
      settleSlice?: number;
      standbyMs?: number;
      eagerWriters?: number;
    } = {},
  ) {
    this.settleSlice = opts.settleSlice ?? Infinity;
    this.standbyMs = opts.standbyMs;
    this.eagerWriters = opts.eagerWriters ?? 1;
    this.maxBatch = opts.maxBatch ?? 500;
    this.concurrency = opts.concurrency ?? 1;
    this.spreadBy = opts.spreadBy;
    const deadline = opts.deadlineMs;
    if (deadline) this.sweeper = setInterval(() => this.expire(deadline), Math.max(1, deadline / 20)).unref();
  }

  /** Starts a writer if one is wanted now; else, while items wait with a standby free, checks again in standbyMs. */
  private startOrStandBy(): void {
    if (this.wantsWriter()) return this.startWriter();
    if (this.standbyMs === undefined || this.standbyTimer || !this.waiting.length || this.writers.size >= this.concurrency) return;
    this.standbyTimer = setTimeout(() => {
      this.standbyTimer = undefined;
      this.startOrStandBy();
    }, this.standbyMs).unref();
  }

  /** Whether another writer should start now (see `standbyMs` in the class comment). */
  private wantsWriter(): boolean {
    if (!this.waiting.length || this.writers.size >= this.concurrency) return false;
    if (this.standbyMs === undefined || this.writers.size < this.eagerWriters) return true;
    return this.waiting.length >= this.maxBatch || this.stalledMs >= this.standbyMs;
  }

  /** Rejects every item submitted more than `ms` ago with GroupCommitExpired (see the class comment). */
  expire(ms: number): void {
    const before = performance.now() - ms;
    let n = 0;
    while (n < this.waiting.length && this.waiting[n]!.at <= before) n++;
    if (n) for (const e of this.waiting.splice(0, n)) e.reject(new GroupCommitExpired(false));
    for (const batch of this.inFlight)
      for (const e of batch) {
        if (e.at > before) break;
        if (e.expired) continue;
        e.expired = true;
        e.reject(new GroupCommitExpired('maybe'));
      }
  }

  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new Error('group commit is closed'));
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, at: performance.now(), resolve, reject });
      this.startOrStandBy();
    });
  }

  private startWriter(): void {
    const w: Promise<void> = this.drain().finally(() => this.writers.delete(w));
    this.writers.add(w);
  }

  /** Items waiting for a writer. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Items waiting or being written. */
  get depth(): number {
    return this.waiting.length + this.writing;
  }

  /** How long the oldest waiting item has waited for a writer, ms (0 when none waits). */
  get oldestWaitMs(): number {
    return this.waiting.length ? performance.now() - this.waiting[0]!.at : 0;
  }

  /**
   * How long the oldest waiting item has waited with no batch started since it arrived, ms (0 when none waits): every
   * writer stuck in its write. Unlike `standingWaitMs` it does not wait for a window of batches to show it.
   */
  get stalledMs(): number {
    if (!this.waiting.length) return 0;
    return performance.now() - Math.max(this.waiting[0]!.at, this.lastStart);
  }

  /**
   * The standing queue, as CoDel (Nichols & Jacobson, "Controlling Queue Delay", ACM Queue 2012) sees it: the least
   * wait of the batches started in the last `windowMs`, or the oldest item's wait when none started. A burst that
   * writers absorb shows a short wait somewhere in the window; writers falling behind show long waits throughout.
   */
  standingWaitMs(windowMs = 100): number {
    const since = performance.now() - windowMs;
    while (this.starts.length && this.starts[0]!.at < since) this.starts.shift();
    return this.starts.length ? Math.min(...this.starts.map((s) => s.waitMs)) : this.oldestWaitMs;
  }

  /** Refuses new items and waits for the ones already submitted. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    clearTimeout(this.standbyTimer);
    while (this.writers.size) await Promise.all(this.writers);
  }

  private async drain(): Promise<void> {
    // Let the items of this tick join the first batch.
    await Promise.resolve();
    while (this.waiting.length) {
      const { batch, keys } = this.take();
      // Everything waiting belongs to keys in flight: the writers of those take it when they are done.
      if (!batch.length) break;
      const at = performance.now();
      this.lastStart = at;
      this.startOrStandBy();
      this.starts.push({ at, waitMs: at - batch[0]!.at });
      if (this.starts.length > 1000) this.starts.splice(0, 500);
      this.writing += batch.length;
      this.batches++;
      this.inFlight.add(batch);
      try {
        const out = await this.write(batch.map((b) => b.item));
        this.settle(batch, out, 0);
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else
          for (const b of batch) {
            // Its caller was let go (and told it may have been written): nothing was, and no one waits for a retry.
            if (b.expired) continue;
            await this.write([b.item]).then(
              (o) => b.resolve(o[0]!),
              (e: unknown) => b.reject(e),
            );
          }
      } finally {
        this.inFlight.delete(batch);
        this.writing -= batch.length;
        this.batches--;
        for (const k of keys) this.busy.delete(k);
      }
    }
  }

  /** Resumes the callers of a written batch from `from`, `settleSlice` of them now and the rest in later turns. */
  private settle(batch: Entry<I, O>[], out: O[], from: number): void {
    const to = Math.min(batch.length, from + this.settleSlice);
    for (let i = from; i < to; i++) batch[i]!.resolve(out[i]!);
    if (to < batch.length) setImmediate(() => this.settle(batch, out, to));
  }

  /** The next batch: the first maxBatch items, or with spreadBy this writer's share by key (see the class comment). */
  private take(): { batch: Entry<I, O>[]; keys: Set<string> } {
    const keys = new Set<string>();
    if (!this.spreadBy) return { batch: this.waiting.splice(0, this.maxBatch), keys };
    const keyed = this.waiting.map((w) => ({ w, k: this.spreadBy!(w.item) }));
    const open = keyed.filter((x) => !this.busy.has(x.k)).length;
    // Shared among the writers that start freely (with standbys, the eager ones): a standby's share is left waiting.
    const slots = this.standbyMs === undefined ? this.concurrency : this.eagerWriters;
    const share = Math.ceil(open / Math.max(1, slots - this.batches));
    const batch: Entry<I, O>[] = [];
    const rest: Entry<I, O>[] = [];
    for (const { w, k } of keyed) {
      // A key skipped once stays skipped for this batch (the batch only grows), so a key's items keep their order.
      if (batch.length < this.maxBatch && !this.busy.has(k) && (keys.has(k) || batch.length < share)) {
        keys.add(k);
        batch.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    for (const k of keys) this.busy.add(k);
    return { batch, keys };
  }
}
