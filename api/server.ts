import type { Server as HttpServer } from 'node:http';
import { buildApp } from './app.js';
import { attachSocketGateway } from './socket/gateway.js';
import { configOrExit, createRuntime, type Runtime } from '../platform/runtime.js';

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
  const rt = await createRuntime('api', configOrExit());
  const api = await startApi(rt);
  rt.logger.info({ port: api.port }, 'api listening');
  const shutdown = async () => {
    await api.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
