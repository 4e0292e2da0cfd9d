/**
 * The import jobs of the webhook edge: one job per `batchSize` stored deliveries (INTAKE_BATCH_SIZE, what one import
 * transaction takes), naming the first of them, or per `everyMs` for fewer. The group commit stores a handful of
 * deliveries per insert at high rates (8 on average at 2,000 webhooks/s), so a job per insert still cost the edge a
 * BullMQ pipeline and a Redis script per few deliveries (7.5 % of its CPU in a profile); counted across inserts it is
 * one per import batch. The job imports the batch of waiting deliveries that includes the one it names
 * (workers/webhook-intake.worker.ts), and the intake-batch loops claim from the table on their own, so a job is a
 * wake-up, not a record: whatever a crash or Redis loses, the reconciliation sweep enqueues a job for every delivery
 * still waiting after INTAKE_STALE_MS.
 */
export class ImportJobs {
  private first: string | undefined;
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly enqueue: (firstDeliveryId: string) => void,
    private readonly batchSize: number,
    private readonly everyMs: number,
  ) {}

  /** Newly stored deliveries, in order. */
  stored(ids: readonly string[]): void {
    for (const id of ids) {
      this.first ??= id;
      if (++this.count >= this.batchSize) this.flush();
    }
    if (this.first && !this.timer) this.timer = setTimeout(() => this.flush(), this.everyMs).unref();
  }

  /** Enqueues the job of the deliveries counted so far (at close, or when the interval ends). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const first = this.first;
    this.first = undefined;
    this.count = 0;
    if (first) this.enqueue(first);
  }
}
