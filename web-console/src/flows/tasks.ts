import { api, ApiProblem, NetworkError } from '../api';
import { t } from '../i18n';
import { device, session } from '../session';
import type { TaskLineView, TaskType, TaskView } from '../../../domain/tasks/task.schemas';

export type { TaskView, TaskLineView };

/** Claims the next task of these types (or the one already held); undefined when the pool has nothing. */
export async function claim(warehouseId: string, types: TaskType[]): Promise<TaskView | undefined> {
  return (await api<TaskView | undefined>('POST', '/tasks/claim', { warehouseId, types, deviceId: device.get()?.id })) ?? undefined;
}

export const me = () => session.get()?.user.id ?? '';

/** The worker's words for a failed call: the server's reason, or "no connection". */
export function reason(e: unknown): string {
  if (e instanceof NetworkError) return t('err.network');
  if (e instanceof ApiProblem) return e.detail;
  return t('err.generic', { detail: (e as Error).message });
}

export const openLines = (task: TaskView) => (task.lines ?? []).filter((l) => l.status === 'open').sort((a, b) => a.seq - b.seq);
