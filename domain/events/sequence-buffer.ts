/**
 * Client-side ordering of a warehouse event stream. Live events and catch-up events can
 * interleave on reconnect; this releases each seq exactly once and in order, holding back
 * anything that arrives ahead of a gap until the gap is filled.
 */
export class SequenceBuffer<E extends { seq: number }> {
  private pending = new Map<number, E>();

  constructor(
    public lastSeq: number,
    private readonly deliver: (e: E) => void,
  ) {}

  push(e: E): void {
    if (e.seq <= this.lastSeq || this.pending.has(e.seq)) return;
    this.pending.set(e.seq, e);
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(next.seq);
      this.lastSeq = next.seq;
      this.deliver(next);
    }
  }

  /** Seqs held back because an earlier one has not arrived yet. */
  get gap(): number {
    return this.pending.size;
  }
}
