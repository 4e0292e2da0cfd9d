/**
 * The best plan shared between the searches of one solve running on several threads
 * (parallel.ts): a SharedArrayBuffer holding a spin lock, the best cost and its tours, so a
 * search thread reads and writes it without messages (its loop is synchronous and never yields
 * to the event loop). Each search publishes every new best of its own and, at each epoch start,
 * restarts from the shared best when another thread found a cheaper one.
 *
 * Layout: Int32 [lock, version, doneCount, length, stop, pad] then Float64 cost, then Int32 tours encoded as
 * [route count, len₀, jobs₀…, len₁, jobs₁…] (jobs of the reduced problem, see locked-prefix.ts;
 * every thread reduces the same problem the same way).
 */

const LOCK = 0;
const VERSION = 1;
const DONE = 2;
/** Index of the finished-search counter in the Int32 header (for a helper's boot-failure path). */
export const DONE_INDEX = DONE;
const LENGTH = 3;
const STOP = 4;
const HEADER_BYTES = 24;

export interface SharedBestBuffer {
  buffer: SharedArrayBuffer;
}

/** Room for `jobs` jobs over `vehicles` routes. */
export function createSharedBest(jobs: number, vehicles: number): SharedBestBuffer {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + 8 + 4 * (1 + vehicles + jobs));
  new Float64Array(buffer, HEADER_BYTES, 1)[0] = Number.POSITIVE_INFINITY;
  return { buffer };
}

export class SharedBest {
  private readonly head: Int32Array;
  private readonly cost: Float64Array;
  private readonly data: Int32Array;
  /** Version of the shared plan this thread last wrote or read. */
  private seen = 0;

  constructor(shared: SharedBestBuffer) {
    this.head = new Int32Array(shared.buffer, 0, 6);
    this.cost = new Float64Array(shared.buffer, HEADER_BYTES, 1);
    this.data = new Int32Array(shared.buffer, HEADER_BYTES + 8);
  }

  private lock(): void {
    // Held for a copy of a few thousand ints at most: spinning is cheaper than sleeping.
    while (Atomics.compareExchange(this.head, LOCK, 0, 1) !== 0) {
      /* spin */
    }
  }

  private unlock(): void {
    Atomics.store(this.head, LOCK, 0);
  }

  /** Stores the plan when it beats the shared one. */
  publish(cost: number, routes: number[][]): void {
    if (!(cost < this.cost[0])) return;
    let len = 1 + routes.length;
    for (const r of routes) len += r.length;
    if (len > this.data.length) return;
    this.lock();
    try {
      if (!(cost < this.cost[0])) return;
      const d = this.data;
      let k = 0;
      d[k++] = routes.length;
      for (const r of routes) {
        d[k++] = r.length;
        for (const j of r) d[k++] = j;
      }
      this.cost[0] = cost;
      this.head[LENGTH] = k;
      this.seen = this.head[VERSION] + 1;
      Atomics.store(this.head, VERSION, this.seen);
    } finally {
      this.unlock();
    }
  }

  /** The shared plan when another thread stored one cheaper than `cost` since this thread last looked, else null. */
  take(cost: number): { cost: number; routes: number[][] } | null {
    if (Atomics.load(this.head, VERSION) === this.seen || !(this.cost[0] < cost)) return null;
    this.lock();
    try {
      this.seen = this.head[VERSION];
      if (!(this.cost[0] < cost)) return null;
      const d = this.data;
      let k = 0;
      const n = d[k++];
      const routes: number[][] = [];
      for (let r = 0; r < n; r++) {
        const len = d[k++];
        routes.push(Array.from(d.subarray(k, k + len)));
        k += len;
      }
      return { cost: this.cost[0], routes };
    } finally {
      this.unlock();
    }
  }

  /** Asks every search on this buffer to stop (the main search finished or was cancelled). */
  stop(): void {
    Atomics.store(this.head, STOP, 1);
  }

  stopped(): boolean {
    return Atomics.load(this.head, STOP) === 1;
  }

  /** Marks this thread's search as finished. */
  done(): void {
    Atomics.add(this.head, DONE, 1);
    Atomics.notify(this.head, DONE);
  }

  /** Waits until `count` searches are finished or `timeoutMs` passed; true when they all are. */
  waitDone(count: number, timeoutMs: number): boolean {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const d = Atomics.load(this.head, DONE);
      if (d >= count) return true;
      const left = until - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.head, DONE, d, left);
    }
  }
}
