import { ServiceBusy } from '../shared/errors.js';

/**
 * Bounds concurrent password hashing. One scrypt at production cost holds about 128 MiB, so unauthenticated logins
 * could otherwise exhaust memory: at most `concurrency` run, at most `queue` wait, and the rest are refused at once
 * (503 busy, Retry-After) rather than piling up.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    public concurrency = 2,
    public queue = 16,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new ServiceBusy('Too many sign-ins in progress; retry in a moment');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays counted), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get stats() {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** The process-wide gate every password/PIN hash goes through (sized at start from config). */
export const hashGate = new HashGate();
