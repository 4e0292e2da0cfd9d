/**
 * Preloaded into the API process by bench/picker (`node --import tsx --import ./bench/picker/loop-delay-probe.ts`):
 * the server's event-loop delay under the picker load. On SIGUSR2 it writes the delay since the previous SIGUSR2 as
 * JSON to PICKER_LOOP_DELAY_FILE and starts a fresh histogram, so the bench signals once when the load starts (set-up
 * and warm-up are left out) and once when it ends. No timer of its own: writing a file every second showed up in
 * the API's profile.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PICKER_LOOP_DELAY_FILE;
if (file) {
  // Each sample is the whole time between two runs of the histogram's 10 ms timer, so an idle loop records about 10
  // ms (min 10.03, p99 13.4 in an idle `node -e` on the shared machine, load 9): `beyondP99` is the p99 less those 10 ms.
  const RESOLUTION_MS = 10;
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const ms = (ns: number) => ns / 1e6;
  process.on('SIGUSR2', () => {
    const p99 = ms(h.percentile(99));
    writeFileSync(file, JSON.stringify({ p50: ms(h.percentile(50)), p99, beyondP99: p99 - RESOLUTION_MS, max: ms(h.max), count: h.count }));
    h.reset();
  });
}
