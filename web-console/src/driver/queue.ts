import type { Session } from '../session';

/**
 * The driver's offline queue: commands go out at once when the network allows; otherwise (or on
 * 5xx) they wait in IndexedDB and replay in order with the same Idempotency-Key, so a command the
 * server already applied is answered from its stored result instead of being applied twice.
 */

export interface QueuedCommand {
  id?: number;
  method: string;
  path: string;
  body?: unknown;
  key: string;
  createdAt: string;
}

const DB = 'dockside-driver';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => (db.close(), resolve(req.result));
    t.onerror = () => (db.close(), reject(t.error));
  });
}

export const pending = () => tx<QueuedCommand[]>('readonly', (s) => s.getAll() as IDBRequest<QueuedCommand[]>);
const put = (c: QueuedCommand) => tx('readwrite', (s) => s.add(c));
const remove = (id: number) => tx('readwrite', (s) => s.delete(id));

export class RejectedError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, any>,
  ) {
    super(problem.detail ?? `HTTP ${status}`);
  }
}

/** One HTTP attempt: the parsed body, 'retry' for network errors and 5xx, or a RejectedError for 4xx. */
async function attempt(session: () => Session, c: QueuedCommand): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(c.path, {
      method: c.method,
      headers: {
        ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
        authorization: `Bearer ${session().accessToken}`,
        'idempotency-key': c.key,
      },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
    });
  } catch {
    return 'retry';
  }
  if (res.status >= 500) return 'retry';
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new RejectedError(res.status, json);
  return json;
}

let flushing: Promise<void> | undefined;

/** Replays queued commands in order; stops at the first that still cannot get through. 4xx answers are dropped (reported). */
export function flush(session: () => Session, onRejected: (c: QueuedCommand, e: RejectedError) => void): Promise<void> {
  flushing ??= (async () => {
    try {
      for (const c of (await pending()).sort((a, b) => a.id! - b.id!)) {
        try {
          if ((await attempt(session, c)) === 'retry') return;
        } catch (e) {
          if (e instanceof RejectedError) onRejected(c, e);
          else throw e;
        }
        await remove(c.id!);
      }
    } finally {
      flushing = undefined;
    }
  })();
  return flushing;
}

/**
 * Sends a command now when nothing is waiting ahead of it, else queues it. Resolves with the
 * server's answer, or `queued` when it will be replayed later; a 4xx answer rejects.
 */
export async function send(session: () => Session, method: string, path: string, body?: unknown): Promise<unknown | 'queued'> {
  const c: QueuedCommand = { method, path, body, key: crypto.randomUUID(), createdAt: new Date().toISOString() };
  if ((await pending()).length === 0 && navigator.onLine) {
    const r = await attempt(session, c);
    if (r !== 'retry') return r;
  }
  await put(c);
  return 'queued';
}
