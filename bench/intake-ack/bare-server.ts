/**
 * The same-run baseline of bench/intake-ack: a bare Fastify 5 app in a process of its own (as the
 * API is), without logging, whose POST route takes the raw body as a Buffer and answers `{"ok":true}`.
 * It is what any webhook receiver costs before its own work: HTTP parsing, the body, the reply.
 * Prints its port on stdout's first line; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/ack/:id', async () => ({ ok: true }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${new URL(address).port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
