import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Milliseconds of CPU time used by the calling thread (Linux: utime + stime of
 * /proc/thread-self/stat, in clock ticks of 10 ms), for `clock: 'thread-cpu'` budgets: on a
 * machine shared with other work, a budget in CPU seconds buys the same search as on an idle
 * machine, so benchmark curves compare across runs. Returns null where /proc is missing.
 */
export function threadCpuClock(): { now: () => number; close: () => void } | null {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/stat', 'r');
  } catch {
    return null;
  }
  const buf = Buffer.alloc(1024);
  const tickMs = 10; // USER_HZ is 100 on every Linux ABI node runs on
  const read = (): number => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const s = buf.toString('latin1', 0, n);
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * tickMs;
  };
  try {
    read();
  } catch {
    closeSync(fd);
    return null;
  }
  return { now: read, close: () => closeSync(fd) };
}
