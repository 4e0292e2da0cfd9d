/**
 * Profiling aid for issue 19 (not part of `npm run bench`): drains a backlog of deliveries through the per-order
 * path (processDelivery, then allocateOrder, 8 at a time like the BullMQ workers) or the batch path and prints
 * the rate and the statements by total time. Run with `node --cpu-prof --import tsx bench/order-pipeline/profile.ts legacy|batch [n]`.
 */
import '../../scripts/lib/dev-env.js';
import { processDelivery } from '../../domain/orders/intake.service.js';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql } from '../../domain/shared/sql.js';
import type { IdRow } from '../../domain/shared/rows.js';
import { withTx } from '../../platform/db.js';
import { freshScratchDb } from '../ledger/scratch-db.js';
import { countStatements } from './query-stats.js';
import { setupPipeline, shopifyOrderBody, storeDeliveries } from './setup.js';
import { mulberry32 } from '../../domain/shared/rng.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';

type StatusCountRow = Pick<SalesOrderRow, 'status'> & { n: number };

const mode = process.argv[2] ?? 'legacy';
const n = Number(process.argv[3] ?? 2000);
const { orm } = await freshScratchDb('dockside_bench_pipeline_prof', 12);
const data = await setupPipeline(orm, { skus: 500, unitsPerBalance: 100_000, hotLots: 4, hotUnitsPerLot: 100_000 });
const rnd = mulberry32(1);
const bodies = Array.from({ length: n }, (_, i) => ({
  deliveryId: `p-${i}`,
  body: shopifyOrderBody(i, data.skuCodes, rnd, 2, Number(process.env.HOT ?? 0)),
}));
for (let i = 0; i < n; i += 500) await storeDeliveries(orm, data.connectorId, bodies.slice(i, i + 500));
const ids = (await sql<IdRow>(orm.em.fork(), `select id from webhook_delivery order by received_at, id`)).map((r) => r.id);
const stop = countStatements();
const t0 = performance.now();
if (mode === 'legacy') {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const r = await withTx(orm.em, (tx) => processDelivery(tx, id));
        if (r.orderId) await withTx(orm.em, (tx) => allocateOrder(tx, r.orderId!, systemClock, { trigger: 'order.created' }));
      }
    }),
  );
} else {
  const { drainBatches, anyWaiting } = await import('./drain.js');
  await drainBatches(orm, {
    workers: Number(process.env.LOOPS ?? 2),
    batchSize: Number(process.env.BATCH ?? 250),
    done: async () => !(await anyWaiting(orm)),
  });
}
const s = (performance.now() - t0) / 1000;
const stats = stop();
const calls = stats.reduce((a, b) => a + b.calls, 0);
console.log(`${mode}: ${n} orders in ${s.toFixed(1)} s = ${(n / s).toFixed(0)} orders/s; ${(calls / n).toFixed(1)} statements per order`);
for (const st of stats.slice(0, 15)) console.log(`${st.totalMs.toFixed(0).padStart(8)} ms ${String(st.calls).padStart(7)}× ${st.query}`);
const counts = await sql<StatusCountRow>(orm.em.fork(), 'select status, count(*)::int as n from sales_order group by status');
console.log(counts);
await orm.close();
