import { t } from '../i18n';
import type { TaskType } from '../../../domain/tasks/task.schemas';
import type { FlowApi, StepDef } from './framework';
import { claim, reason, type TaskView } from './tasks';

/** What every task flow keeps while it asks the pool for work. */
export interface Claiming {
  warehouseId: string;
  busy?: boolean;
  empty?: boolean;
}

/**
 * Claims the next task of these types for the flow and hands it to `begin`, which loads what the flow needs and goes
 * to its first step. An empty pool leaves the flow on its start step saying so; a failure (a refused claim, no
 * network, a task `begin` cannot use) is said as a wrong scan.
 */
export function taskClaimer<C extends Claiming>(
  types: TaskType[],
  begin: (task: TaskView, c: C, f: FlowApi<C>) => Promise<void>,
): (c: C, f: FlowApi<C>) => Promise<void> {
  return async (c, f) => {
    f.patch({ busy: true, empty: false } as Partial<C>);
    try {
      const task = await claim(c.warehouseId, types);
      if (!task) return f.patch({ busy: false, empty: true } as Partial<C>);
      await begin(task, c, f);
    } catch (e) {
      f.patch({ busy: false } as Partial<C>);
      f.say('wrong', reason(e));
    }
  };
}

/** The button that claims the next task: the start step's (off while a claim is on its way), and the done step's. */
export function GetTaskButton<C extends Claiming>({
  f,
  getTask,
  disabled,
}: {
  f: FlowApi<C>;
  getTask: (c: C, f: FlowApi<C>) => Promise<void>;
  disabled?: boolean;
}) {
  return (
    <button type="button" class="primary huge" disabled={disabled} onClick={() => void getTask(f.ctx, f)} data-testid="get-task">
      {t('task.get')}
    </button>
  );
}

/** The first step of a task flow: the worker asks for a task; the prompt says when one is on its way or the pool is empty. */
export function startStep<C extends Claiming>(getTask: (c: C, f: FlowApi<C>) => Promise<void>): StepDef<C> {
  return {
    prompt: (c) => (c.busy ? t('task.getting') : c.empty ? t('task.none') : t('task.get')),
    body: (c, f) => <GetTaskButton f={f} getTask={getTask} disabled={c.busy} />,
  };
}
