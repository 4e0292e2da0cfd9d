/**
 * The intake edge's adaptive admission limit, by Little's law (in flight = throughput × time in the system): a process
 * that has finished λ requests per ms lately, and should answer each within `targetMs`, can hold λ × targetMs of them
 * at once; one more only waits behind the others. The limit follows what the process actually finishes (its CPU, the
 * database, the other tenants of the machine), between `min` (a cold or idle process still takes a burst) and `max`.
 *
 * A burst is let through: the limit refuses only an excess that has stood for `targetMs` (the process had that long to
 * work it off and did not), or that comes back within `targetMs` of the last refusal (an overload already going on).
 * So 50 webhooks landing at once on an idle process are all taken, as before, while a sustained overload is cut to the
 * limit within `targetMs`.
 *
 * Why not the event-loop delay: once the loop is late, every request, a refused one included, has already waited that
 * long in the socket before anyone could look at it (100 ms in the bench's ramp, with 503s at 166 ms from the wire).
 * Admitted requests stay in flight across several loop turns, so their count grows as soon as the loop slows, and
 * refusing the excess keeps the loop short enough to answer the rest at once.
 */
export class AdmissionLimit {
  private static readonly SLOTS = 10;
  /** Completions per slot (windowMs / SLOTS each), a ring indexed by slot number. */
  private readonly done = new Array<number>(AdmissionLimit.SLOTS).fill(0);
  private slot = 0;
  private readonly slotMs: number;
  /** Since when the requests in flight have been at or over the limit (undefined: under it at the last decision). */
  private overSince: number | undefined;
  private lastRefusal = -Infinity;

  constructor(
    private readonly o: { targetMs: number; min: number; max: number; windowMs?: number },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.slotMs = (o.windowMs ?? 1000) / AdmissionLimit.SLOTS;
    this.slot = Math.floor(this.now() / this.slotMs);
  }

  /** Whether one more request may be admitted with `inflight` already admitted; a `false` counts as a refusal. */
  admits(inflight: number): boolean {
    if (inflight < this.limit()) {
      this.overSince = undefined;
      return true;
    }
    const now = this.now();
    this.overSince ??= now;
    if (now - this.overSince < this.o.targetMs && now - this.lastRefusal >= this.o.targetMs) return true;
    this.lastRefusal = now;
    return false;
  }

  /** An admitted request has been answered (or its client went away). */
  completed(): void {
    this.tick();
    this.done[this.slot % AdmissionLimit.SLOTS]!++;
  }

  /** Requests this process may hold in flight now. */
  limit(): number {
    const now = this.tick();
    let n = 0;
    for (const d of this.done) n += d;
    // The window: the slots before this one, all whole, and this one so far.
    const perMs = n / (this.slotMs * (AdmissionLimit.SLOTS - 1) + (now - this.slot * this.slotMs));
    return Math.min(this.o.max, Math.max(this.o.min, Math.ceil(perMs * this.o.targetMs)));
  }

  private tick(): number {
    const now = this.now();
    const s = Math.floor(now / this.slotMs);
    if (s === this.slot) return now;
    // Slots that passed without a call are empty; a gap of a whole window clears them all.
    for (let k = Math.min(s - this.slot, AdmissionLimit.SLOTS); k > 0; k--) this.done[(s - k + 1) % AdmissionLimit.SLOTS] = 0;
    this.slot = s;
    return now;
  }
}
