import { api } from '../api';
import { t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowDef } from '../flows/framework';
import { QtyConfirm } from '../flows/step-controls';
import { findSku, loadSkus, skuName, skuOf } from '../flows/skus';
import { me, type TaskView } from '../flows/tasks';
import { startStep, taskClaimer } from '../flows/task-steps';

interface ReplCtx {
  warehouseId: string;
  task?: TaskView;
  from?: string;
  to?: string;
  qty: number;
  lot: string | null;
  busy?: boolean;
  empty?: boolean;
}

const code = async (warehouseId: string, id: string | null) =>
  id ? (await api<{ code: string }>('GET', `/warehouses/${warehouseId}/locations/${id}`)).code : undefined;

const getTask = taskClaimer<ReplCtx>(['replenish'], async (task, c, f) => {
  const [from, to] = await Promise.all([
    code(c.warehouseId, task.fromLocationId),
    code(c.warehouseId, task.toLocationId),
    task.skuId && loadSkus([task.skuId]),
  ]);
  f.go('from', { task, from, to, qty: task.qty - task.qtyDone, lot: task.lot, busy: false });
});

function What({ c }: { c: ReplCtx }) {
  const sku = c.task?.skuId ? skuOf(c.task.skuId) : undefined;
  return (
    <div class="line-head">
      <span class="mono">
        {c.from} → {c.to}
      </span>
      <span>
        <b class="mono">{sku?.code}</b> {skuName(sku)}
      </span>
      <span class="qty-line">{t('common.units', { n: c.qty })}</span>
    </div>
  );
}

const at = (where: string | undefined) => (s: { code: string; reading: { location?: string } }) => (s.reading.location ?? s.code) === where;

/** Replenish a pick face from reserve: from location, item, quantity, pick face. */
export const replenishFlow: FlowDef<ReplCtx> = {
  id: 'replenish',
  start: 'start',
  persist: true,
  initial: () => ({ warehouseId: '', qty: 0, lot: null }),
  steps: {
    start: startStep(getTask),
    from: {
      prompt: (c) => `${t('repl.scanFrom')}: ${c.from ?? ''}`,
      info: (c) => <What c={c} />,
      scan: (s, c) =>
        at(c.from)(s)
          ? { verdict: 'right', next: 'item' }
          : { verdict: 'wrong', message: t('pick.wrongLocation', { expected: c.from ?? '' }) },
    },
    item: {
      prompt: () => t('pick.scanItem'),
      info: (c) => <What c={c} />,
      scan: (s, c) =>
        c.task?.skuId && findSku(s.reading, s.raw, [c.task.skuId])
          ? { verdict: 'right', next: 'qty', ctx: { lot: s.reading.lot ?? c.lot } }
          : { verdict: 'wrong', message: t('pick.wrongItem', { expected: skuOf(c.task?.skuId ?? '')?.code ?? '' }) },
    },
    qty: {
      prompt: () => t('pick.qty'),
      info: (c) => <What c={c} />,
      body: (c, f) => (
        <QtyConfirm value={c.qty} min={1} onChange={(qty) => f.patch({ qty })} label={t('pick.qty')} onConfirm={() => f.go('to')} />
      ),
    },
    to: {
      prompt: (c) => `${t('repl.scanTo')}: ${c.to ?? ''}`,
      info: (c) => <What c={c} />,
      scan: (s, c) => {
        if (!at(c.to)(s)) return { verdict: 'wrong', message: t('pick.wrongLocation', { expected: c.to ?? '' }) };
        const task = c.task!;
        const label = t('repl.done', { qty: c.qty, sku: skuOf(task.skuId!)?.code ?? '' });
        // The stock move, then the task: replayed in this order if the network is gone.
        void enqueue({
          method: 'POST',
          path: '/stock/movements',
          body: {
            warehouseId: c.warehouseId,
            type: 'move',
            skuId: task.skuId,
            qty: c.qty,
            from: { locationId: task.fromLocationId, lot: c.lot },
            to: { locationId: task.toLocationId, lot: c.lot },
            reasonCode: 'replenish',
            refType: 'task',
            refId: task.id,
          },
          label,
          group: task.id,
          userId: me(),
        });
        void enqueue({ method: 'POST', path: `/tasks/${task.id}/complete`, body: { qtyDone: c.qty }, label, group: task.id, userId: me() });
        return { verdict: 'right', message: label, next: 'start', ctx: { task: undefined } };
      },
    },
  },
};

export default function ReplenishScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={replenishFlow} title={t('flow.replenish')} seed={{ warehouseId }} />;
}
