import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface Listener {
  url: string;
  host: string;
  port: number;
  /** TCP connections accepted so far: the proof that a refused call never reached the address. */
  connections: number;
  close(): Promise<void>;
}

/** A loopback HTTP listener (tests only ever bind 127.x addresses) that counts the connections it accepts. */
export async function listen(
  host: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('secret internal answer'),
  port = 0,
): Promise<Listener> {
  const server = createServer(handler);
  const l: Listener = {
    url: '',
    host,
    port: 0,
    connections: 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  server.on('connection', () => l.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  l.port = (server.address() as { port: number }).port;
  l.url = `http://${host}:${l.port}`;
  return l;
}
