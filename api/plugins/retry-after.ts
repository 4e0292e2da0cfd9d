/**
 * The Retry-After of an intake refusal: the work refused since this overload began, in seconds of what the process
 * admits (refused since the start ÷ admitted over the last second or two), 1 to 30 s. It grows while the overload
 * lasts, so each refused client comes back after everything refused before it instead of into the same overload.
 * An overload begins with the first refusal after a whole second without one.
 *
 * Why not less: a flat 1 s turns a long overload into a retry storm that keeps the process refusing; a ratio of the
 * last second alone sent each second's refusals back into the next seconds' overload (2.7 retries per refused webhook
 * at 2,000 webhooks/s in the intake-ack bench). Storefronts give up on a delivery after hours, not seconds.
 */
export class RetryAfter {
  /** Admitted and refused requests of the current second (`at`, whole seconds) and of the one before it. */
  private second = { at: 0, shed: 0, admitted: 0 };
  private last = { shed: 0, admitted: 0 };
  private overloadShed = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly maxS = 30,
  ) {}

  admitted(): void {
    this.tick();
    this.second.admitted++;
  }

  refused(): void {
    this.tick();
    this.second.shed++;
    this.overloadShed++;
  }

  /** Seconds a refusal now asks its client to wait (1 when there is no overload). */
  seconds(): number {
    this.tick();
    const admitted = Math.max(1, this.last.admitted + this.second.admitted);
    return Math.min(this.maxS, Math.max(1, Math.ceil(this.overloadShed / admitted)));
  }

  private tick(): void {
    const now = Math.floor(this.now() / 1000);
    if (now === this.second.at) return;
    this.last = now === this.second.at + 1 ? this.second : { shed: 0, admitted: 0 };
    this.second = { at: now, shed: 0, admitted: 0 };
    if (this.last.shed === 0) this.overloadShed = 0;
  }
}
