import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { signal } from '../feedback';
import { fmtNumber, fmtTime, useT } from '../i18n';
import { onLiveEvent } from '../live';
import type { ScreenProps } from '../shell/areas';
import { reason, type TaskView } from '../flows/tasks';

interface Zone {
  id: string;
  code: string;
  name: string;
}
interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  active: boolean;
}
interface Wave {
  id: string;
  number: number;
  status: string;
  orderIds: string[];
  pickMode: string;
}
const ACTIVE = ['open', 'claimed', 'in_progress'] as const;

async function loadTasks(warehouseId: string): Promise<TaskView[]> {
  const pages = await Promise.all(
    ACTIVE.map((s) => api<{ items: TaskView[] }>('GET', `/warehouses/${warehouseId}/tasks?status=${s}&limit=500`).then((r) => r.items)),
  );
  return pages.flat();
}

/**
 * The supervisor's desktop: active tasks per zone with who holds them and how far they are, exceptions
 * (short picks, discrepancies), waves to release, reassign and reprioritise. It shows SKU codes and
 * worker names only; customer data never reaches this screen.
 */
export default function Board({ warehouseId }: ScreenProps) {
  const t = useT();
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [waves, setWaves] = useState<Wave[]>([]);
  const [updated, setUpdated] = useState<number>(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const refresh = async () => {
    try {
      const [ts, ws] = await Promise.all([
        loadTasks(warehouseId),
        api<{ items: Wave[] }>('GET', `/warehouses/${warehouseId}/waves?status=planned&limit=50`).then((r) => r.items),
      ]);
      setTasks(ts);
      setWaves(ws);
      setUpdated(Date.now());
    } catch (e) {
      signal('wrong', reason(e));
    }
  };
  useEffect(() => {
    void refresh();
    api<{ items: Zone[] }>('GET', `/warehouses/${warehouseId}/zones`).then(
      (r) => setZones(r.items),
      () => undefined,
    );
    api<{ items: User[] }>('GET', '/users').then(
      (r) => setUsers(r.items.filter((u) => u.active)),
      () => undefined,
    );
    // Live: any task or wave event re-reads the board (coalesced, so a burst costs one read).
    return onLiveEvent((e) => {
      if (!/^(task|wave|count)\./.test(e.type)) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void refresh(), 300);
    });
  }, [warehouseId]);

  const name = (id: string | null) => (id ? (users.find((u) => u.id === id)?.displayName ?? id.slice(0, 8)) : '—');
  const byZone = new Map<string, TaskView[]>();
  for (const task of tasks) {
    const k = task.zoneId ?? '';
    byZone.set(k, [...(byZone.get(k) ?? []), task]);
  }
  const exceptions = tasks.filter((x) => x.exception);
  const act = async (path: string, body: unknown) => {
    try {
      await api('POST', path, body);
      signal('right', '');
      void refresh();
    } catch (e) {
      signal('wrong', reason(e));
    }
  };

  return (
    <section class="board-screen">
      <header class="row board-head">
        <h1>{t('sup.board')}</h1>
        <span class="muted">{updated ? fmtTime(updated) : ''}</span>
      </header>
      <div class="board-grid">
        <div class="zones">
          {[...byZone.entries()].map(([zid, list]) => (
            <section class="zone" key={zid} data-testid="zone">
              <h2>{zid ? t('sup.zone', { zone: zones.find((z) => z.id === zid)?.code ?? zid.slice(0, 6) }) : t('sup.noZone')}</h2>
              <table>
                <thead>
                  <tr>
                    <th>{t('sup.colTask')}</th>
                    <th>{t('sup.colType')}</th>
                    <th>{t('sup.colWorker')}</th>
                    <th>{t('sup.colProgress')}</th>
                    <th>{t('sup.priority')}</th>
                    <th>{t('sup.reassign')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list
                    .sort((a, b) => b.priority - a.priority)
                    .map((task) => (
                      <tr key={task.id} data-task={task.id} class={task.exception ? 'exc' : ''}>
                        <td class="mono">{task.id.slice(0, 8)}</td>
                        <td>
                          {t(
                            `flow.${task.type === 'replenish' ? 'replenish' : task.type === 'count' ? 'count' : task.type === 'pack' ? 'pack' : 'pick'}`,
                          )}{' '}
                          · {task.status === 'open' ? t('sup.open') : t('sup.active')}
                        </td>
                        <td>{name(task.assigneeId ?? task.reservedFor)}</td>
                        <td>
                          <progress
                            max={Math.max(1, task.qty)}
                            value={task.qtyDone}
                            aria-label={t('sup.progress', { done: task.qtyDone, total: task.qty })}
                          />{' '}
                          {t('sup.progress', { done: fmtNumber(task.qtyDone), total: fmtNumber(task.qty) })}
                        </td>
                        <td>
                          <form
                            class="row"
                            onSubmit={(e) => {
                              e.preventDefault();
                              const v = Number(((e.target as HTMLFormElement).elements.namedItem('p') as HTMLInputElement).value);
                              void act(`/tasks/${task.id}/reprioritise`, { priority: v });
                            }}
                          >
                            <input
                              name="p"
                              type="number"
                              min={0}
                              max={1000}
                              defaultValue={String(task.priority)}
                              aria-label={t('sup.priority')}
                              class="num"
                            />
                            <button type="submit">{t('sup.setPriority')}</button>
                          </form>
                        </td>
                        <td>
                          <select
                            aria-label={t('sup.reassign')}
                            value={task.reservedFor ?? ''}
                            onChange={(e) =>
                              void act(`/tasks/${task.id}/reassign`, { userId: (e.target as HTMLSelectElement).value || null })
                            }
                          >
                            <option value="">{t('sup.anyone')}</option>
                            {users
                              .filter((u) => u.roles.some((r) => task.roles.includes(r)))
                              .map((u) => (
                                <option key={u.id} value={u.id}>
                                  {u.displayName}
                                </option>
                              ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
          ))}
          {tasks.length === 0 && <p class="muted">{t('sup.none')}</p>}
        </div>
        <aside class="side">
          <section>
            <h2>{t('sup.exceptions')}</h2>
            {exceptions.length === 0 ? (
              <p class="muted">{t('sup.none')}</p>
            ) : (
              <ul class="items" data-testid="exceptions">
                {exceptions.map((x) => (
                  <li key={x.id}>
                    <span>
                      <b class="mono">{String(x.exception!.code)}</b> {String(x.exception!.detail ?? '')}
                    </span>
                    <span>{name(x.assigneeId)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section>
            <h2>{t('sup.waves')}</h2>
            {waves.length === 0 ? (
              <p class="muted">{t('sup.none')}</p>
            ) : (
              <ul class="items" data-testid="waves">
                {waves.map((w) => (
                  <li key={w.id}>
                    <span>
                      #{w.number} · {w.pickMode} · {fmtNumber(w.orderIds.length)}
                    </span>
                    <button type="button" class="primary" onClick={() => void act(`/waves/${w.id}/release`, undefined)}>
                      {t('sup.release')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </section>
  );
}
