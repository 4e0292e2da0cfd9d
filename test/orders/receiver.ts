import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A local HTTP receiver for outbound callbacks: answers from a status script (e.g. [500, 500, 500, 200]), records every request. */
export async function startReceiver(statuses: number[] | ((n: number) => number) = [200]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      const status = typeof statuses === 'function' ? statuses(n) : (statuses[Math.min(n, statuses.length - 1)] ?? 200);
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: status,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
