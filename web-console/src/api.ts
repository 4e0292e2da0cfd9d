import { refreshNow, session } from './session';

/** A problem+json answer from the API: the server's reason, kept whole for the screen. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly errors: { path?: string; message: string }[] = [],
    /** The problem's whole body: its extension members (a refused move's `violations`, say). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  /** The stable tail of the problem type, e.g. "wrong-location". */
  get code(): string {
    return this.type.split('/').pop() ?? '';
  }
}
/** No answer at all (offline, dead spot, server down): the command may be retried with the same key. */
export class NetworkError extends Error {}

export const newKey = () => crypto.randomUUID();

export interface RequestOpts {
  /** Sent as Idempotency-Key: a retried command is answered, not repeated. */
  key?: string;
  signal?: AbortSignal;
  /** The body as a Blob (a label image), not JSON. */
  blob?: boolean;
}

/** Calls the API with the session's token (refreshed once on a 401). */
export async function api<T>(method: string, path: string, body?: unknown, opts: RequestOpts = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = {};
    const s = session.get();
    if (s) headers.authorization = `Bearer ${s.accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.key) headers['idempotency-key'] = opts.key;
    let res: Response;
    try {
      res = await fetch(`/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal,
      });
    } catch (e) {
      throw new NetworkError((e as Error).message);
    }
    if (res.status === 401 && attempt === 0 && s && (await refreshNow())) continue;
    // Gateways answering for a dead API are "no answer", not a verdict on the command.
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new NetworkError(`${res.status}`);
    if (res.status === 204) return undefined as T;
    if (opts.blob && res.ok) return (await res.blob()) as T;
    const json = await res.json().catch(() => undefined);
    if (!res.ok) {
      const p = (json ?? {}) as { type?: string; detail?: string; title?: string; errors?: { path?: string; message: string }[] };
      throw new ApiProblem(res.status, p.type ?? `http-${res.status}`, p.detail ?? p.title ?? res.statusText, p.errors ?? [], json ?? {});
    }
    return json as T;
  }
}
