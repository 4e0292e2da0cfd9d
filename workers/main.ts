import { Worker } from 'bullmq';
import { createSocketEmitter } from '../platform/socket-emitter.js';
import { configOrExit, createRuntime, type Runtime } from '../platform/runtime.js';
import type { QueueName } from '../platform/queues.js';
import { OutboxRelay } from './outbox-relay.js';
import { onOutboxWake } from '../platform/outbox-wake.js';
import { processors } from './processors.js';
import { guardProcessor } from './job-guard.js';
import { Reconciler } from './reconciler.js';
import { IntakeBatcher } from './intake-batcher.js';
import { systemClock } from '../domain/shared/clock.js';

/** Starts the outbox relay (leader-elected) and every queue processor. */
export async function startWorkers(rt: Runtime) {
  const emitter = createSocketEmitter(rt.redis.duplicate(), rt.config.REDIS_PREFIX);
  const relay = new OutboxRelay(rt.orm, rt.config.DATABASE_URL, emitter, rt.queues, rt.logger.child({ component: 'relay' }), {
    pollMs: rt.config.RELAY_POLL_MS,
  });
  relay.start();
  const unwake = await onOutboxWake(rt.redis, rt.config.REDIS_PREFIX, () => relay.poke());
  const reconciler = new Reconciler(rt, { everyMs: rt.config.RECONCILER_EVERY_MS });
  reconciler.start();
  // Stored deliveries are imported and allocated in batches (issue 19); webhook-intake jobs join in the same way, so
  // the loops only need to look now and then when idle (each look is a query beside the ack path's group commit).
  const intake = new IntakeBatcher(rt.orm, rt.logger.child({ component: 'intake-batch' }), {
    batchSize: rt.config.orders.intakeBatchSize,
    loops: rt.config.orders.intakeBatchLoops,
    idleMs: 250,
    clock: systemClock,
  });
  intake.start();
  const workers = Object.entries(processors).map(
    ([name, make]) =>
      new Worker(name, guardProcessor(rt, name as QueueName, make!(rt)), {
        connection: rt.queues.connection,
        prefix: rt.queues.prefix,
        concurrency: 8,
      }),
  );
  for (const w of workers) w.on('failed', (job, err) => rt.logger.warn({ queue: w.name, jobId: job?.id, err }, 'job failed'));
  return {
    relay,
    reconciler,
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await intake.stop();
      await reconciler.stop();
      await unwake();
      await relay.stop();
    },
    names: workers.map((w) => w.name as QueueName),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rt = await createRuntime('workers', configOrExit());
  const w = await startWorkers(rt);
  rt.logger.info({ queues: w.names }, 'workers started');
  const shutdown = async () => {
    await w.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
