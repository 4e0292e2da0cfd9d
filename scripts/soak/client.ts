/**
 * The soak's HTTP client: a handheld's retry discipline. One logical command keeps one Idempotency-Key through
 * every retry, so a lost response or a killed API never applies it twice. Connection errors, 5xx and 503 are
 * retried (another API process, then the same one after its restart); every other answer is returned to the caller,
 * which re-reads state when the outcome was lost (409 idempotency-outcome-lost).
 */
export interface Answer {
  status: number;
  body: any; // the soak reads whichever resource it asked for
}

export class SoakClient {
  constructor(
    private readonly urls: () => string[],
    private readonly deadline: () => number,
  ) {}

  async send(method: string, path: string, token: string, opts: { body?: unknown; key?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.key) headers['idempotency-key'] = opts.key;
    for (let attempt = 0; ; attempt++) {
      const urls = this.urls();
      try {
        const r = await fetch(`${urls[attempt % urls.length]}/v1${path}`, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await r.text();
        const body = text ? JSON.parse(text) : undefined;
        const inProgress = r.status === 409 && typeof body?.type === 'string' && body.type.endsWith('idempotency-key-in-use');
        if (r.status < 500 && r.status !== 429 && !inProgress) return { status: r.status, body };
      } catch {
        // refused or reset while a process restarts, or a timeout: retry with the same key
      }
      if (Date.now() > this.deadline()) throw new Error(`${method} ${path}: no answer before the soak's deadline`);
      await new Promise((r) => setTimeout(r, 100 + Math.min(attempt, 20) * 100));
    }
  }
}
