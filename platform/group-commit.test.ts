import { describe, expect, it } from 'vitest';
import { GroupCommit, GroupCommitExpired } from './group-commit.js';

/** A group commit whose every write waits until the test calls its release (in order); `batches` records what each took. */
function heldWrites<T = number>(opts: ConstructorParameters<typeof GroupCommit<T, T>>[1] = {}) {
  const batches: T[][] = [];
  const releases: (() => void)[] = [];
  const gc = new GroupCommit<T, T>(async (items) => {
    batches.push(items);
    await new Promise<void>((r) => releases.push(r));
    return items;
  }, opts);
  return { gc, batches, releases };
}

describe('GroupCommit', () => {
  it('writes the first item at once and everything submitted meanwhile in the next batch, each caller getting its own result', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => `ok-${i}`);
    });
    const first = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const rest = [1, 2, 3, 4].map((i) => gc.submit(i));
    expect(gc.pending).toBe(4);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
    expect(batches).toEqual([[0], [1, 2, 3, 4]]);
  });

  it('keeps batches within maxBatch', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 3 },
    );
    expect(await Promise.all(Array.from({ length: 8 }, (_, i) => gc.submit(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([3, 3, 2]);
  });

  it('retries a failed batch item by item, so one bad item fails alone', async () => {
    const gc = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((i) => i * 2);
    });
    const results = await Promise.allSettled([1, 13, 2].map((i) => gc.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 'unlucky', 4]);
  });

  it('refuses new items once closed, after writing the ones already submitted', async () => {
    const gc = new GroupCommit<number, number>(async (items) => items);
    const p = gc.submit(5);
    await gc.close();
    expect(await p).toBe(5);
    await expect(gc.submit(6)).rejects.toThrow('closed');
  });

  it('runs up to `concurrency` batches at once, each taking what waited', async () => {
    const { gc, batches, releases } = heldWrites({ concurrency: 2 });
    const a = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const b = gc.submit(1);
    await new Promise((r) => setTimeout(r, 0));
    const rest = [2, 3, 4].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[0], [1]]);
    expect(gc.depth).toBe(5);
    expect(gc.pending).toBe(3);
    releases[0]!();
    await a;
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[0], [1], [2, 3, 4]]);
    releases[1]!();
    releases[2]!();
    expect(await Promise.all([b, ...rest])).toEqual([1, 2, 3, 4]);
    expect(gc.depth).toBe(0);
  });

  it('reports a standing queue only when every recent batch waited', async () => {
    let release!: () => void;
    const gc = new GroupCommit<number, number>(async (items) => {
      await new Promise<void>((r) => (release = r));
      return items;
    });
    expect(gc.standingWaitMs()).toBe(0);
    const first = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const second = gc.submit(1);
    // The first batch started at once: a wait of ~0 in the window, whatever the second one does. (A timer can fire a
    // fraction of a millisecond before its delay by performance.now(), as libuv counts whole milliseconds: wait 35.)
    await new Promise((r) => setTimeout(r, 35));
    expect(gc.oldestWaitMs).toBeGreaterThanOrEqual(30);
    expect(gc.standingWaitMs(1000)).toBeLessThan(30);
    // With no batch started in a short window, the oldest waiting item's wait is the figure.
    await new Promise((r) => setTimeout(r, 5));
    expect(gc.standingWaitMs(1)).toBeGreaterThanOrEqual(30);
    release();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    release();
    await second;
  });

  it('with spreadBy, shares what waits among the free writers by whole keys, one batch per key at a time, in order', async () => {
    const { gc, batches, releases } = heldWrites<string>({ concurrency: 2, spreadBy: (i) => i[0]! });
    // All in one tick, as clients of a closed loop come back: two writers; the first takes keys until it holds
    // its share (3 of 5), and a3 with the rest of key a.
    const first = ['a1', 'a2', 'b1', 'a3', 'c1'].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([['a1', 'a2', 'b1', 'a3'], ['c1']]);
    // Key a is in flight: its next item waits for that batch even though a writer is free.
    releases[1]!();
    const more = ['a4', 'd1'].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 0));
    expect(batches.slice(2)).toEqual([['d1']]);
    releases[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(batches.slice(3)).toEqual([['a4']]);
    releases[2]!();
    releases[3]!();
    expect(await Promise.all([...first, ...more])).toEqual(['a1', 'a2', 'b1', 'a3', 'c1', 'a4', 'd1']);
    expect(gc.depth).toBe(0);
  });
  it('expires what is older than the deadline: a waiting item is withdrawn unwritten, one being written is let go', async () => {
    const { gc, batches, releases } = heldWrites<string>();
    const a = gc.submit('a');
    await new Promise((r) => setTimeout(r, 0));
    const b = gc.submit('b'); // waits: the one writer is busy with a
    await new Promise((r) => setTimeout(r, 40));
    const c = gc.submit('c');
    gc.expire(20);
    await expect(a).rejects.toEqual(new GroupCommitExpired('maybe'));
    await expect(b).rejects.toEqual(new GroupCommitExpired(false));
    expect(gc.pending).toBe(1);
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    releases.shift()!();
    expect(await c).toBe('c');
    // a's batch went on (it may commit); b never reached a writer.
    expect(batches).toEqual([['a'], ['c']]);
  });

  it('does not retry an expired item of a failed batch, and expires on its own with deadlineMs', async () => {
    const writes: string[][] = [];
    let fail!: (e: Error) => void;
    const gc = new GroupCommit<string, string>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await new Promise<void>((_, reject) => (fail = reject));
        return items;
      },
      { deadlineMs: 50 },
    );
    const old = ['o1', 'o2'].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 0));
    // Rejected by the sweep, not by the test: the writer is still stuck.
    for (const o of old) await expect(o).rejects.toBeInstanceOf(GroupCommitExpired);
    const fresh = gc.submit('fresh');
    fail(new Error('batch failed'));
    expect(await fresh).toBe('fresh');
    // Without the deadline, the failed batch is retried item by item (o1, then o2) before fresh.
    expect(writes).toEqual([['o1', 'o2'], ['fresh']]);
    await gc.close();
  });

  it('with settleSlice, resumes the callers of a written batch that many per loop turn, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writes = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        if (writes++ === 0) await gate;
        return items;
      },
      { settleSlice: 2 },
    );
    const first = gc.submit(-1);
    await new Promise((r) => setTimeout(r, 0));
    const done: number[] = [];
    const rest = [0, 1, 2, 3, 4].map((i) => gc.submit(i).then((o) => done.push(o)));
    release();
    await first;
    // The batch of five is written; two callers resumed in this turn, two in each turn after.
    while (!done.length) await Promise.resolve();
    for (let i = 0; i < 100 && done.length < 2; i++) await Promise.resolve();
    expect(done).toEqual([0, 1]);
    await new Promise((r) => setImmediate(r));
    expect(done).toEqual([0, 1, 2, 3]);
    await Promise.all(rest);
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports how long the oldest item has waited with no batch started since (stalledMs)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, number>(async (items) => {
      await gate;
      return items;
    });
    expect(gc.stalledMs).toBe(0);
    const a = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const b = gc.submit(1); // waits: the one writer is stuck in its write
    await new Promise((r) => setTimeout(r, 40));
    expect(gc.stalledMs).toBeGreaterThanOrEqual(35);
    release();
    await Promise.all([a, b]);
    expect(gc.stalledMs).toBe(0);
  });

  it('with standbyMs, keeps the second writer for when the first is stuck: what arrives meanwhile waits for one batch', async () => {
    const { gc, batches, releases } = heldWrites({ concurrency: 2, standbyMs: 60, maxBatch: 4 });
    const first = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const waiting = [1, 2].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 10));
    // Without standbyMs the second writer would have taken [1, 2] already.
    expect(batches).toEqual([[0]]);
    releases.shift()!();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[0], [1, 2]]);

    // The first writer stuck past standbyMs: the second one starts on its own (no further arrival needed).
    const stuck = [3, 4].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([[0], [1, 2]]);
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toEqual([[0], [1, 2], [3, 4]]);
    while (releases.length) releases.shift()!();
    expect(await Promise.all([...waiting, ...stuck])).toEqual([1, 2, 3, 4]);
  });

  it('with standbyMs, starts the second writer at once when a full batch waits', async () => {
    const { gc, batches, releases } = heldWrites({ concurrency: 2, standbyMs: 10_000, maxBatch: 3 });
    const first = gc.submit(0);
    await new Promise((r) => setTimeout(r, 0));
    const two = [1, 2].map((i) => gc.submit(i));
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[0]]);
    const third = gc.submit(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[0], [1, 2, 3]]);
    while (releases.length) releases.shift()!();
    expect(await Promise.all([first, ...two, third])).toEqual([0, 1, 2, 3]);
  });
});
