import type { Server as HttpServer } from 'node:http';
import { buildApp } from './app.js';
import { attachSocketGateway } from './socket/gateway.js';
import { configOrExit, createRuntime, type Runtime } from '../platform/runtime.js';
import { keepPoolWarm } from '../platform/db.js';
import { warmFloorStatements } from '../domain/picking/floor-warm-up.js';
import { prewarmScanRelations } from '../domain/inventory/scan-prewarm.js';

/** Starts one API process (HTTP + Socket.IO). Returns a stop function. */
export async function startApi(rt: Runtime, port = rt.config.PORT, host = rt.config.HOST) {
  const app = await buildApp(rt);
  const io = attachSocketGateway(app, app.server as HttpServer, rt.redis.duplicate());
  app.telemetry.attach(io);
  await app.listen({ port, host, backlog: rt.config.LISTEN_BACKLOG });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    app,
    io,
    port: actualPort,
    async stop() {
      io.close();
      await app.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = configOrExit();
  // Every connection of the pool opened, its hot statements sent once, and kept open (domain/picking/floor-warm-up.ts).
  const rt = await createRuntime('api', config, { poolMin: config.DATABASE_POOL_MAX });
  const t0 = Date.now();
  const checksFailed = (err: unknown) =>
    rt.logger.warn({ err }, 'pool warm-up: the real claim and confirm failed; foreign-key checks left cold');
  await keepPoolWarm(rt.orm, config.DATABASE_POOL_MAX, (tx) => warmFloorStatements(tx, checksFailed)).then(
    (n) => rt.logger.info({ connections: n, ms: Date.now() - t0 }, 'database pool warmed'),
    (err: unknown) => rt.logger.warn({ err }, 'database pool warm-up failed; serving with a cold pool'),
  );
  const api = await startApi(rt);
  rt.logger.info({ port: api.port }, 'api listening');
  // The scan relations into the OS page cache, in the background (domain/inventory/scan-prewarm.ts).
  const t1 = Date.now();
  prewarmScanRelations(rt.orm.em.fork()).then(
    (blocks) =>
      rt.logger.info(
        { blocks, ms: Date.now() - t1 },
        blocks === undefined ? 'no pg_prewarm: scan relations not prewarmed' : 'scan relations prefetched',
      ),
    (err: unknown) => rt.logger.warn({ err }, 'scan relation prewarm failed'),
  );
  const shutdown = async () => {
    await api.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
