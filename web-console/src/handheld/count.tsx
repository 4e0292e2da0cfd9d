import { api } from '../api';
import { t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowApi, type FlowDef } from '../flows/framework';
import { QtyConfirm } from '../flows/step-controls';
import { me, reason, type TaskView } from '../flows/tasks';
import { GetTaskButton, startStep, taskClaimer } from '../flows/task-steps';
import { resolveScan } from './resolve';
import type { CountTaskView } from '../../../domain/inventory/count.schemas';

interface Counted {
  skuId: string;
  skuCode: string;
  lot: string | null;
  qty: number;
}
interface CountCtx {
  warehouseId: string;
  task?: TaskView;
  count?: CountTaskView;
  lines: Counted[];
  sku?: { id: string; code: string; name: string };
  lot: string | null;
  qty: number;
  busy?: boolean;
  empty?: boolean;
}

const getTask = taskClaimer<CountCtx>(['count'], async (task, _c, f) => {
  if (task.refType !== 'count_task' || !task.refId) throw new Error(`task ${task.id} names no count`);
  // Blind: the API hides expected quantities from counters; the screen never asks for them.
  const count = await api<CountTaskView>('GET', `/counts/${task.refId}`);
  f.go('location', { task, count, lines: [], busy: false });
});

function submit(c: CountCtx, f: FlowApi<CountCtx>): void {
  const group = c.count!.id;
  void enqueue({
    method: 'POST',
    path: `/counts/${group}/submit`,
    body: { lines: c.lines.map((l) => ({ skuId: l.skuId, lot: l.lot, qty: l.qty })) },
    label: `${t('flow.count')} ${c.count!.locationCode}`,
    group,
    userId: me(),
  });
  void enqueue({
    method: 'POST',
    path: `/tasks/${c.task!.id}/complete`,
    body: {},
    label: `${t('flow.count')} ${c.count!.locationCode}`,
    group,
    userId: me(),
  });
  f.say('right', t('count.submitted'));
  f.go('done');
}

function Counted({ c }: { c: CountCtx }) {
  return (
    <div class="stack">
      <p class="big mono">{c.count?.locationCode}</p>
      {c.lines.length > 0 && (
        <ul class="items" data-testid="counted">
          {c.lines.map((l) => (
            <li key={l.skuId + (l.lot ?? '')}>
              <span class="mono">
                {l.skuCode}
                {l.lot ? ` · ${l.lot}` : ''}
              </span>
              <span>{l.qty}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const countFlow: FlowDef<CountCtx> = {
  id: 'count',
  start: 'start',
  persist: true,
  initial: () => ({ warehouseId: '', lines: [], lot: null, qty: 0 }),
  steps: {
    start: startStep(getTask),
    location: {
      prompt: () => t('count.scanLocation'),
      info: (c) => <Counted c={c} />,
      scan: (s, c) =>
        (s.reading.location ?? s.code) === c.count!.locationCode
          ? { verdict: 'right', next: 'item' }
          : { verdict: 'wrong', message: t('pick.wrongLocation', { expected: c.count!.locationCode }) },
    },
    item: {
      prompt: (c) => (c.lines.length ? t('count.more') : t('count.scanItem')),
      info: (c) => <Counted c={c} />,
      scan: async (s, c) => {
        try {
          const r = await resolveScan(c.warehouseId, s.raw);
          if (r.match.kind !== 'sku' || !r.match.sku) return { verdict: 'wrong', message: t('lookup.unknown') };
          if (c.count!.skuId && r.match.sku.id !== c.count!.skuId) return { verdict: 'wrong', message: t('pack.notInOrder') };
          return { verdict: 'right', next: 'qty', ctx: { sku: r.match.sku, lot: s.reading.lot ?? null, qty: 1 } };
        } catch (e) {
          return { verdict: 'wrong', message: reason(e) };
        }
      },
      body: (c, f) => (
        <button type="button" class="primary huge" data-testid="count-finish" onClick={() => submit(f.ctx, f)}>
          {c.lines.length ? t('count.finish') : t('count.emptyLocation')}
        </button>
      ),
    },
    qty: {
      prompt: (c) => t('count.qty', { sku: c.sku?.code ?? '' }),
      info: (c) => <Counted c={c} />,
      body: (c, f) => (
        <QtyConfirm
          value={c.qty}
          min={0}
          onChange={(qty) => f.patch({ qty })}
          label={t('count.qty', { sku: c.sku?.code ?? '' })}
          onConfirm={() => {
            const rest = c.lines.filter((l) => !(l.skuId === c.sku!.id && l.lot === c.lot));
            f.go('item', { lines: [...rest, { skuId: c.sku!.id, skuCode: c.sku!.code, lot: c.lot, qty: c.qty }], sku: undefined });
          }}
        />
      ),
    },
    done: {
      prompt: () => t('count.submitted'),
      info: (c) => <Counted c={c} />,
      body: (_c, f) => <GetTaskButton f={f} getTask={getTask} />,
    },
  },
};

export default function CountScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={countFlow} title={t('flow.count')} seed={{ warehouseId }} />;
}
