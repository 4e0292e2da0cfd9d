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
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const ms = (ns: number) => ns / 1e6;
  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), count: h.count }));
    h.reset();
  });
}
