/**
 * Group commit: callers submit items one at a time and each gets its own result, but the items are
 * written in batches. There is no timer: when nothing is being written a submitted item starts a
 * write at once (no added latency when idle); while a write is in flight, new items wait and all go
 * in the next one (up to `maxBatch`). Under load this turns N small transactions into a few large
 * ones; at rest it behaves like one transaction per item.
 *
 * A failed batch of several items is retried item by item, so one bad item fails alone.
 */
export class GroupCommit<I, O> {
  private waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight?: Promise<void>;
  private closed = false;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly opts: { maxBatch: number } = { maxBatch: 500 },
  ) {}

  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new Error('group commit is closed'));
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.inFlight) this.inFlight = this.drain();
    });
  }

  /** Items waiting or being written. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Refuses new items and waits for the ones already submitted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }

  private async drain(): Promise<void> {
    // Let the items of this tick join the first batch.
    await Promise.resolve();
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      try {
        const out = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else
          for (const b of batch)
            await this.write([b.item]).then(
              (o) => b.resolve(o[0]!),
              (e: unknown) => b.reject(e),
            );
      }
    }
    this.inFlight = undefined;
  }
}
