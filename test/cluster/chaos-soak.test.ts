/**
 * The chaos soak's short form (issue 16): the full flow (intake → allocation → wave → pick → pack → label →
 * manifest/ship) of 40 orders through 2 API and 2 worker processes while every fault of the schedule strikes once:
 * APIs, a worker and the relay leader SIGKILLed and restarted, Redis flushed twice and killed (back empty), and
 * PostgreSQL restarted. `npm run soak` is the long form of the same code (scripts/soak/run.ts).
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, runSoak } from '../../scripts/soak/run.js';

describe('chaos soak (short form)', () => {
  it('loses no order, ships none twice, balances the ledger and delivers every event through every fault', async () => {
    const report = await runSoak({ orders: 40, rate: 4, seed: 7, settleMs: 240_000, log: () => undefined });
    console.log(
      `[chaos-soak] ${JSON.stringify({ orders: report.orders, floor: report.floor, faults: report.faults, durationS: report.durationS })}`,
    );
    expect(report.faults).toHaveLength(FAULTS.length);
    expect(report.faults.filter((f) => f.includes('FAILED'))).toEqual([]);
    expect(report.orders.accepted).toBe(40);
    expect(report.orders.shipped).toBe(40);
    expect({ invariants: report.invariants, details: report.details }).toMatchObject({
      invariants: {
        everyAcceptedOrderExistsOnce: true,
        noneShippedTwice: true,
        everyAcceptedOrderShipped: true,
        ledgerBalancesPerSku: true,
        everyEventReachedEverySubscriber: true,
        noStuckWork: true,
        deadLettersOnlyInjectedPoison: true,
      },
    });
  }, 900_000);
});
