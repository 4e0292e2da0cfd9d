/**
 * A background task that runs only while something uses it: started by the first use after a quiet spell, stopped once
 * nothing has used it for `idleMs`. The intake gate's overload detectors (a 5 ms turn clock, a 10 ms event-loop delay
 * histogram, a 50 ms window and a backlog query twice a second) ran from the moment the routes were registered, so an
 * API process with no intake traffic (one serving the floor, or a quiet night) woke about 275 times a second and spent
 * 3 % of a core on them at rest. A use costs a clock read; the idle check runs once per `idleMs`.
 */
export class WhileUsed {
  private lastUse = 0;
  private awake = false;
  private check: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly start: () => void,
    private readonly stop: () => void,
  ) {}

  /** Marks a use now, starting the task first when it was stopped. */
  use(): void {
    this.lastUse = performance.now();
    if (this.awake) return;
    this.awake = true;
    this.start();
    this.scheduleCheck(this.idleMs);
  }

  /** Stops the task for good (the app closing). */
  close(): void {
    clearTimeout(this.check);
    if (this.awake) {
      this.awake = false;
      this.stop();
    }
  }

  private scheduleCheck(ms: number): void {
    this.check = setTimeout(() => {
      const quietMs = performance.now() - this.lastUse;
      if (quietMs < this.idleMs) return this.scheduleCheck(this.idleMs - quietMs);
      this.awake = false;
      this.stop();
    }, ms).unref();
  }
}
