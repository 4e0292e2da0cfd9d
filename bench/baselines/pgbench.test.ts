import { describe, expect, it } from 'vitest';
import { parsePgbenchOutput } from './pgbench.js';

// Report layout of pgbench 15/16 (`pgbench -N -c 4 -j 2 -T 5`).
const REPORT = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: <builtin: simple update>
scaling factor: 1
query mode: simple
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 6203
number of failed transactions: 0 (0.000%)
latency average = 3.224 ms
initial connection time = 9.311 ms
tps = 1240.689937 (without initial connection time)
`;

describe('parsePgbenchOutput', () => {
  it('reads tps, average latency and transactions', () => {
    expect(parsePgbenchOutput(REPORT)).toEqual({ tps: 1240.689937, latencyAvgMs: 3.224, transactions: 6203 });
  });

  it('fails loudly on output it does not understand', () => {
    expect(() => parsePgbenchOutput('connection to server failed')).toThrow(/could not parse pgbench output/);
  });
});
