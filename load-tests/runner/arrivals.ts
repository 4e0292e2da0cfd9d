/**
 * Target start times of open-model (arrival-rate) executors, as offsets in ms from the scenario
 * start. The scheduler waits for each absolute target time, so timer jitter never accumulates.
 */
export interface Stage {
  durationMs: number;
  target: number;
}

/** constant-arrival-rate: iteration k starts at k·timeUnit/rate, for every offset before durationMs. */
export function* constantArrivals(rate: number, timeUnitMs: number, durationMs: number): Generator<number> {
  if (rate <= 0) return;
  const periodMs = timeUnitMs / rate;
  for (let k = 0; ; k++) {
    const t = k * periodMs;
    if (t >= durationMs) return;
    yield t;
  }
}

/**
 * ramping-arrival-rate: the rate moves linearly from stage to stage; iteration k starts when the
 * integral of the rate reaches k. Within a stage N(t) = N0 + r0·t + (r1−r0)·t²/(2D); the root is
 * taken in the cancellation-free form t = 2Δ / (r0 + √(r0² + 4aΔ)), a = (r1−r0)/(2D).
 */
export function* rampingArrivals(startRate: number, timeUnitMs: number, stages: Stage[]): Generator<number> {
  let stageStartMs = 0;
  let n0 = 0; // iterations accumulated at the start of the stage (real-valued)
  let r0 = startRate / timeUnitMs; // per ms
  let k = 0;
  for (const stage of stages) {
    const d = stage.durationMs;
    const r1 = stage.target / timeUnitMs;
    const stageCount = ((r0 + r1) / 2) * d;
    const a = d > 0 ? (r1 - r0) / (2 * d) : 0;
    while (k < n0 + stageCount - 1e-9) {
      const delta = k - n0;
      let t: number;
      if (delta <= 0) t = 0;
      else {
        const disc = Math.max(0, r0 * r0 + 4 * a * delta);
        const denom = r0 + Math.sqrt(disc);
        t = denom > 0 ? (2 * delta) / denom : d;
      }
      if (t >= d) break;
      yield stageStartMs + t;
      k++;
    }
    n0 += stageCount;
    stageStartMs += d;
    r0 = r1;
  }
}
