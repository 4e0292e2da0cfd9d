import { api, ApiProblem, NetworkError, newKey } from '../api';
import { createStore } from '../store';
import { all, COMMANDS, del, put } from './idb';

/** A command the worker made: kept in IndexedDB until the server has answered it. */
export interface Command {
  seq?: number;
  /** Idempotency-Key: the same key on every retry, so a replay is answered and not applied twice. */
  key: string;
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
  /** What the worker did, for the conflict list ("Pick 2 × SKU-1 at A-01-01-01"). */
  label: string;
  /** Groups commands (e.g. a task id): results are applied only when the group has nothing left in flight. */
  group?: string;
  createdAt: string;
  userId: string;
  status: 'pending' | 'conflict';
  problem?: { status: number; type: string; detail: string };
}

export const pending = createStore<Command[]>([]);
export const conflicts = createStore<Command[]>([]);
export const online = createStore<boolean>(typeof navigator === 'undefined' ? true : navigator.onLine);

type Listener = (cmd: Command, result: unknown) => void;
const listeners = new Set<Listener>();
/** Called with each command's server answer, in order. */
export function onResult(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function reload(): Promise<void> {
  const cmds = await all<Command>(COMMANDS);
  pending.set(cmds.filter((c) => c.status === 'pending'));
  conflicts.set(cmds.filter((c) => c.status === 'conflict'));
}

/** Queues a command and sends it now if the network allows. Resolves once it is safely stored. */
export async function enqueue(c: Omit<Command, 'key' | 'createdAt' | 'status'>): Promise<Command> {
  const cmd: Command = { ...c, key: newKey(), createdAt: new Date().toISOString(), status: 'pending' };
  cmd.seq = (await put(COMMANDS, cmd)) as number;
  pending.set((p) => [...p, cmd]);
  void pump();
  return cmd;
}

export function inFlight(group: string): number {
  return pending.get().filter((c) => c.group === group).length;
}

let pumping: Promise<void> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/** Sends queued commands strictly in order; stops at the first one that gets no answer and retries later. */
export function pump(): Promise<void> {
  if (pumping) return pumping;
  let release!: () => void;
  // Claimed before the first await: a drain that finds nothing must not leave a stale "running" mark behind.
  const running = (pumping = new Promise<void>((r) => (release = r)));
  void (async () => {
    try {
      for (;;) {
        const next = pending.get()[0];
        if (!next) return;
        try {
          const result = await api(next.method, next.path, next.body, { key: next.key });
          await del(COMMANDS, next.seq!);
          pending.set((p) => p.filter((c) => c.seq !== next.seq));
          online.set(true);
          for (const fn of listeners) fn(next, result);
        } catch (e) {
          if (e instanceof NetworkError) {
            online.set(false);
            clearTimeout(retryTimer);
            retryTimer = setTimeout(() => void pump(), 3000);
            return;
          }
          // The server said no: keep it, with its reason, for the worker to see. Never dropped silently.
          const p = e instanceof ApiProblem ? e : new ApiProblem(0, 'client-error', (e as Error).message);
          const failed: Command = { ...next, status: 'conflict', problem: { status: p.status, type: p.type, detail: p.detail } };
          await put(COMMANDS, failed);
          pending.set((q) => q.filter((c) => c.seq !== next.seq));
          conflicts.set((c) => [...c, failed]);
          for (const fn of listeners) fn(failed, undefined);
        }
      }
    } finally {
      pumping = undefined;
      release();
    }
  })();
  return running;
}

export async function dismissConflict(seq: number): Promise<void> {
  await del(COMMANDS, seq);
  conflicts.set((c) => c.filter((x) => x.seq !== seq));
}

/** Loads what a previous page left queued and replays it whenever the network comes back. */
export async function startQueue(): Promise<void> {
  window.addEventListener('online', () => {
    online.set(true);
    void pump();
  });
  window.addEventListener('offline', () => online.set(false));
  await reload();
  void pump();
}
