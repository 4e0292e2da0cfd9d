import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/**
 * A local fake WooCommerce store: `GET /wp-json/wc/v3/orders?modified_after=&per_page=&page=` answers like the REST
 * API v3 (ascending by modification, X-WP-Total / X-WP-TotalPages headers), so the reconciliation poll can be tested.
 */
export async function startFakeWooStore(template: Record<string, unknown>) {
  const orders = new Map<number, Record<string, unknown>>();
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (u.pathname !== '/wp-json/wc/v3/orders') return void res.writeHead(404).end('{}');
    const after = u.searchParams.get('modified_after');
    const perPage = Number(u.searchParams.get('per_page') ?? '10');
    const page = Number(u.searchParams.get('page') ?? '1');
    const all = [...orders.values()]
      .filter((o) => !after || Date.parse(`${o.date_modified_gmt}Z`) > Date.parse(after))
      .sort((a, b) => String(a.date_modified_gmt).localeCompare(String(b.date_modified_gmt)) || Number(a.id) - Number(b.id));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-wp-total': String(all.length),
      'x-wp-totalpages': String(Math.max(1, Math.ceil(all.length / perPage))),
    });
    res.end(JSON.stringify(slice));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    requests,
    orders,
    /** Adds (or modifies) an order; modification times are UTC without zone, as WooCommerce's *_gmt fields. */
    put(id: number, modifiedAt: Date, extra: Record<string, unknown> = {}) {
      const gmt = modifiedAt.toISOString().slice(0, 19);
      const o = { ...template, ...extra, id, number: String(id), date_created_gmt: gmt, date_modified_gmt: gmt };
      orders.set(id, o);
      return o;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
