/**
 * What the host says about a phase of bench/intake-ack, read from /proc (Linux; zeros elsewhere): CPU seconds of a
 * process, and the kernel's TCP counters that show connections queueing before a server ever sees them. The TCP
 * counters are system-wide: on a shared machine other programs add to them, so they are evidence, not figures.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

/** User + system CPU of a process so far, s (0 when it cannot be read). */
export function processCpuS(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (proc(5)).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

const TCP_COUNTERS = ['ListenOverflows', 'TCPSynRetrans', 'TCPTimeouts'] as const;
export type TcpCounters = Record<(typeof TCP_COUNTERS)[number], number>;

/**
 * ListenOverflows: a completed handshake dropped because a listener's accept queue was full (the client learns of it
 * only by retransmitting, after 1 s, then 3 s, 7 s …); TCPSynRetrans: SYNs sent again; TCPTimeouts: retransmit timeouts.
 */
export function tcpCounters(): TcpCounters {
  const out: TcpCounters = { ListenOverflows: 0, TCPSynRetrans: 0, TCPTimeouts: 0 };
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').trim().split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i]!.startsWith('TcpExt:')) continue;
      const names = lines[i]!.split(/\s+/);
      const values = lines[i + 1]!.split(/\s+/);
      for (const k of TCP_COUNTERS) out[k] = Number(values[names.indexOf(k)] ?? 0);
    }
  } catch {
    // not Linux: zeros
  }
  return out;
}

export function tcpDelta(a: TcpCounters, b: TcpCounters): TcpCounters {
  return {
    ListenOverflows: b.ListenOverflows - a.ListenOverflows,
    TCPSynRetrans: b.TCPSynRetrans - a.TCPSynRetrans,
    TCPTimeouts: b.TCPTimeouts - a.TCPTimeouts,
  };
}
