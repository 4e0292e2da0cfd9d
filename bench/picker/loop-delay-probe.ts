/**
 * Preloaded into the API process by bench/picker (`node --import tsx --import ./bench/picker/loop-delay-probe.ts`):
 * the event-loop delay of the server under the picker load, written as JSON to PICKER_LOOP_DELAY_FILE every second.
 * SIGUSR2 starts a fresh histogram, so set-up and warm-up are not counted.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PICKER_LOOP_DELAY_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  process.on('SIGUSR2', () => h.reset());
  const ms = (ns: number) => ns / 1e6;
  setInterval(() => {
    const stats = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), count: h.count };
    writeFileSync(file, JSON.stringify(stats));
  }, 1000).unref();
}
