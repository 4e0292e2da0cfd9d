import { useEffect } from 'preact/hooks';
import { fmtDateTime, t } from '../i18n';
import { onLiveEvent } from '../live';
import { enqueue, inFlight, onResult } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowView, useFlow, type FlowApi, type FlowDef, type Outcome, type ScanIn } from '../flows/framework';
import { QtyConfirm, ReasonChoices } from '../flows/step-controls';
import { findSku, loadSkus, skuName, skuOf } from '../flows/skus';
import { me, openLines, type TaskLineView, type TaskView } from '../flows/tasks';
import { GetTaskButton, startStep, taskClaimer } from '../flows/task-steps';

interface PickCtx {
  warehouseId: string;
  task?: TaskView;
  lineId?: string;
  qty: number;
  itemRaw?: string;
  reason?: string;
  found: number;
  empty?: boolean;
  busy?: boolean;
}

const REASONS = ['empty', 'damaged', 'wrongItem', 'notEnough'] as const;
const lineOf = (c: PickCtx): TaskLineView | undefined => c.task?.lines?.find((l) => l.id === c.lineId);
const openQty = (l: TaskLineView) => l.qty - l.qtyPicked - l.qtyShort;
const toteOfOrder = (task: TaskView, orderId: string | null) =>
  task.lines?.find((l) => l.orderId === orderId && l.toteCode)?.toteCode ?? undefined;

function toteCode(s: ScanIn): string | undefined {
  const code = (s.reading.lpn ?? s.reading.sku ?? s.raw).trim().toUpperCase();
  return /^[A-Z0-9_-]{1,32}$/.test(code) ? code : undefined;
}

/** Where the flow goes after a line: the next open line in path order (skipping the location scan if it is the same place). */
function afterLine(task: TaskView, prev: TaskLineView): Partial<PickCtx> & { next: string } {
  const next = openLines(task)[0];
  if (!next) return { next: 'done', task, lineId: undefined };
  return { next: next.locationCode === prev.locationCode ? 'item' : 'location', task, lineId: next.id, qty: openQty(next) };
}

function withLine(task: TaskView, lineId: string, fn: (l: TaskLineView) => TaskLineView): TaskView {
  return { ...task, lines: task.lines?.map((l) => (l.id === lineId ? fn(l) : l)) };
}

/** The tote scan closes the line: the confirm goes to the queue (sent now, or replayed when back online). */
function toteScan(s: ScanIn, c: PickCtx): Outcome<PickCtx> {
  const line = lineOf(c)!;
  const code = toteCode(s);
  if (!code) return { verdict: 'wrong', message: t('pick.notATote') };
  const expected = toteOfOrder(c.task!, line.orderId);
  if (expected && expected !== code) return { verdict: 'wrong', message: t('pick.wrongTote', { expected }) };
  const other = c.task!.lines?.find((l) => l.toteCode === code && l.orderId !== line.orderId);
  if (other) return { verdict: 'wrong', message: t('pick.wrongTote', { expected: t('pick.anyTote') }) };
  const sku = skuOf(line.skuId);
  void enqueue({
    method: 'POST',
    path: `/tasks/${c.task!.id}/lines/${line.id}/confirm`,
    body: { locationScan: line.locationCode, itemScan: c.itemRaw!, qty: c.qty, toteScan: code },
    label: t('pick.confirmed', { qty: c.qty, sku: sku?.code ?? line.skuCode }),
    group: c.task!.id,
    userId: me(),
  });
  const task = withLine(c.task!, line.id, (l) => {
    const picked = l.qtyPicked + c.qty;
    return { ...l, qtyPicked: picked, toteCode: code, status: picked + l.qtyShort >= l.qty ? 'picked' : 'open' };
  });
  const after = afterLine(task, line);
  return { verdict: 'right', message: t('pick.confirmed', { qty: c.qty, sku: line.skuCode }), ...splitNext(after) };
}
const splitNext = ({ next, ...ctx }: Partial<PickCtx> & { next: string }) => ({ next, ctx });

function submitShort(c: PickCtx, f: FlowApi<PickCtx>, tote?: string): void {
  const line = lineOf(c)!;
  const group = c.task!.id;
  void enqueue({
    method: 'POST',
    path: `/tasks/${group}/lines/${line.id}/short`,
    body: { qtyFound: c.found, ...(tote ? { toteScan: tote } : {}) },
    label: `${t('pick.short')} ${line.skuCode} @ ${line.locationCode}`,
    group,
    userId: me(),
  });
  // The reason code goes to the supervisor's exception list with the task.
  void enqueue({
    method: 'POST',
    path: `/tasks/${group}/exception`,
    body: {
      code: `short:${c.reason}`,
      detail: `${t(`reason.${c.reason as (typeof REASONS)[number]}`)} — ${line.skuCode} @ ${line.locationCode}: ${c.found}/${openQty(line)}`,
    },
    label: t('pick.short'),
    group,
    userId: me(),
  });
  const task = withLine(c.task!, line.id, (l) => ({
    ...l,
    qtyPicked: l.qtyPicked + c.found,
    qtyShort: openQty(l) - c.found,
    status: 'short',
    toteCode: tote ?? l.toteCode,
  }));
  const after = afterLine(task, line);
  f.say('action', t('pick.shortDone', { location: line.locationCode }));
  f.go(after.next, { ...splitNext(after).ctx, reason: undefined, found: 0 });
}

const getTask = taskClaimer<PickCtx>(['pick'], async (task, _c, f) => {
  await loadSkus((task.lines ?? []).map((l) => l.skuId));
  const first = openLines(task)[0];
  f.go(first ? 'location' : 'done', { task, lineId: first?.id, qty: first ? openQty(first) : 0, busy: false });
});

function LineHeader({ c }: { c: PickCtx }) {
  const line = lineOf(c);
  if (!line || !c.task) return null;
  const lines = c.task.lines ?? [];
  const sku = skuOf(line.skuId);
  return (
    <div class="line-head">
      <span>{t('task.line', { i: lines.filter((l) => l.seq <= line.seq).length, n: lines.length })}</span>
      <span class="big mono" data-testid="location">
        {line.locationCode}
      </span>
      <span>
        <b class="mono">{line.skuCode}</b> {skuName(sku)}
      </span>
      {line.lot && <span class="lot">{t('pick.lot', { lot: line.lot })}</span>}
      <span class="qty-line" data-testid="line-qty">
        {t('pick.pickN', { n: openQty(line), of: line.qty })}
      </span>
    </div>
  );
}

export const pickFlow: FlowDef<PickCtx> = {
  id: 'pick',
  start: 'start',
  persist: true,
  initial: () => ({ warehouseId: '', qty: 0, found: 0 }),
  steps: {
    start: startStep(getTask),
    location: {
      prompt: () => t('pick.scanLocation'),
      info: (c) => <LineHeader c={c} />,
      scan: (s, c) => {
        const line = lineOf(c)!;
        const code = (s.reading.location ?? s.reading.sku ?? s.raw).trim();
        return code === line.locationCode
          ? { verdict: 'right', next: 'item' }
          : { verdict: 'wrong', message: t('pick.wrongLocation', { expected: line.locationCode }) };
      },
    },
    item: {
      prompt: () => t('pick.scanItem'),
      info: (c) => <LineHeader c={c} />,
      scan: (s, c) => {
        const line = lineOf(c)!;
        const sku = findSku(s.reading, s.raw, [line.skuId]);
        if (!sku) return { verdict: 'wrong', message: t('pick.wrongItem', { expected: line.skuCode }) };
        if (line.lot && s.reading.lot && s.reading.lot !== line.lot)
          return { verdict: 'wrong', message: t('pick.wrongLot', { expected: line.lot }) };
        const open = openQty(line);
        return { verdict: 'right', next: open === 1 ? 'tote' : 'qty', ctx: { itemRaw: s.raw, qty: open } };
      },
    },
    qty: {
      prompt: () => t('pick.qty'),
      info: (c) => <LineHeader c={c} />,
      // Scanning the tote here accepts the quantity shown: one tap fewer per line.
      scan: (s, c) => toteScan(s, c),
      body: (c, f) => {
        const line = lineOf(c)!;
        return (
          <QtyConfirm
            value={c.qty}
            min={1}
            max={openQty(line)}
            onChange={(qty) => f.patch({ qty })}
            label={t('pick.qty')}
            onConfirm={() => f.go('tote')}
          >
            <button type="button" class="warn" onClick={() => f.go('shortReason')} data-testid="short">
              {t('pick.short')}
            </button>
          </QtyConfirm>
        );
      },
    },
    tote: {
      prompt: (c) => {
        const line = lineOf(c);
        const tote = line && c.task && toteOfOrder(c.task, line.orderId);
        return tote ? `${t('pick.scanTote')}: ${tote}` : t('pick.anyTote');
      },
      info: (c) => <LineHeader c={c} />,
      scan: (s, c) => toteScan(s, c),
      body: (_c, f) => (
        <button type="button" class="warn" onClick={() => f.go('shortReason')} data-testid="short">
          {t('pick.short')}
        </button>
      ),
    },
    shortReason: {
      prompt: () => t('pick.shortReason'),
      info: (c) => <LineHeader c={c} />,
      body: (_c, f) => (
        <ReasonChoices
          reasons={REASONS}
          label={(r) => t(`reason.${r}`)}
          testId={(r) => `reason-${r}`}
          onChoose={(r) => f.go('shortFound', { reason: r, found: 0 })}
          onBack={() => f.go('item')}
        />
      ),
    },
    shortFound: {
      prompt: () => t('pick.shortFound'),
      info: (c) => <LineHeader c={c} />,
      body: (c, f) => {
        const line = lineOf(c)!;
        return (
          <QtyConfirm
            value={c.found}
            min={0}
            max={openQty(line) - 1}
            onChange={(found) => f.patch({ found })}
            label={t('pick.shortFound')}
            testId="short-ok"
            onConfirm={() => (c.found > 0 ? f.go('shortTote') : submitShort(f.ctx, f))}
          />
        );
      },
    },
    shortTote: {
      prompt: () => t('pick.scanTote'),
      info: (c) => <LineHeader c={c} />,
      scan: (s, c, f) => {
        const code = toteCode(s);
        if (!code) return { verdict: 'wrong', message: t('pick.notATote') };
        const expected = toteOfOrder(c.task!, lineOf(c)!.orderId);
        if (expected && expected !== code) return { verdict: 'wrong', message: t('pick.wrongTote', { expected }) };
        submitShort(c, f, code);
        return { verdict: 'action', message: t('pick.shortDone', { location: lineOf(c)!.locationCode }) };
      },
    },
    done: {
      prompt: () => t('task.done'),
      info: (c) => (c.task?.dueAt ? <p class="muted">{t('task.due', { when: fmtDateTime(c.task.dueAt) })}</p> : null),
      body: (_c, f) => <GetTaskButton f={f} getTask={getTask} />,
    },
  },
};

export default function PickScreen({ warehouseId }: ScreenProps) {
  const f = useFlow(pickFlow, { warehouseId });

  // The server's answer replaces the local guess once nothing else for the task is in flight.
  useEffect(
    () =>
      onResult((cmd, result) => {
        const task = f.ctx.task;
        if (!task || cmd.group !== task.id) return;
        if (cmd.status === 'conflict') {
          f.say('wrong', `${cmd.label}: ${cmd.problem?.detail ?? ''}`);
          return;
        }
        if (inFlight(task.id) > 0 || !result || (result as TaskView).id !== task.id) return;
        const fresh = result as TaskView;
        if (!fresh.lines) return;
        // A short pick can add lines (stock re-allocated elsewhere): the walk goes on to them, even from "done".
        const cur = fresh.lines.find((l) => l.id === f.ctx.lineId && l.status === 'open') ?? openLines(fresh)[0];
        if (!cur) f.patch({ task: fresh });
        else if (cur.id !== f.ctx.lineId || f.step === 'done') f.go('location', { task: fresh, lineId: cur.id, qty: openQty(cur) });
        else f.patch({ task: fresh });
      }),
    [],
  );

  // Live: a supervisor moved, cancelled or reprioritised the task in hand.
  useEffect(
    () =>
      onLiveEvent((e) => {
        const p = e.payload as { taskId?: string; reservedFor?: string | null; priority?: number; reason?: string; resolution?: string };
        const task = f.ctx.task;
        if (!task || p.taskId !== task.id || f.step === 'done') return;
        if (e.type === 'task.reassigned' && p.reservedFor !== me()) {
          f.say('action', t('task.reassigned'));
          f.go('start', { task: undefined, lineId: undefined });
        } else if (e.type === 'task.cancelled') {
          f.say('action', t('task.cancelled', { reason: p.reason ?? '' }));
          f.go('start', { task: undefined, lineId: undefined });
        } else if (e.type === 'task.reprioritised' && p.priority !== undefined) {
          f.say('action', t('task.reprioritised', { p: p.priority }));
          f.patch({ task: { ...task, priority: p.priority } });
        } else if (e.type === 'task.short_picked' && p.resolution) {
          f.say('action', t('task.shortResolved', { resolution: p.resolution }));
        }
      }),
    [],
  );
  return <FlowView def={pickFlow} f={f} title={t('flow.pick')} />;
}
