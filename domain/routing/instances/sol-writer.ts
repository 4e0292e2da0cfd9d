/**
 * Writes a solution in the CVRPLIB `.sol` format: one `Route #k: a b c` line per route with
 * customers numbered as in the instance with the depot left out, then `Cost <value>`.
 */
export function writeSol(routes: number[][], cost: number): string {
  const lines = routes.filter((r) => r.length > 0).map((r, k) => `Route #${k + 1}: ${r.join(' ')}`);
  lines.push(`Cost ${Number.isInteger(cost) ? cost : Number(cost.toFixed(2))}`);
  return lines.join('\n') + '\n';
}

/** Parses a `.sol` text back into routes (customer numbers) and the stated cost. */
export function parseSol(text: string): { routes: number[][]; cost: number | null } {
  const routes: number[][] = [];
  let cost: number | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^Route\s*#\d+\s*:(.*)$/i.exec(line.trim());
    if (m) routes.push(m[1].trim().split(/\s+/).filter(Boolean).map(Number));
    const c = /^Cost\s+([-\d.eE+]+)/i.exec(line.trim());
    if (c) cost = Number(c[1]);
  }
  return { routes, cost };
}
