import { api } from '../api';
import { locale, t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowApi, type FlowDef, type Outcome, type ScanIn } from '../flows/framework';
import { ReasonChoices } from '../flows/step-controls';
import { me, reason } from '../flows/tasks';
import { device } from '../session';
import type { PutawayWork } from '../../../domain/slotting/putaway.schemas';

interface PutCtx {
  warehouseId: string;
  work?: PutawayWork;
  /** The other location scanned instead of the proposed one (waits for a reason). */
  other?: string;
  done?: string;
}

/** Why a receiver puts stock elsewhere than proposed. The audit log gets the same words whatever the screen's language. */
const REASONS = ['full', 'blocked', 'damaged', 'tooHeavy'] as const;
const AUDIT_REASON: Record<(typeof REASONS)[number], string> = {
  full: 'proposed location full',
  blocked: 'proposed location blocked',
  damaged: 'proposed location damaged',
  tooHeavy: 'too heavy for the proposed level',
};

function What({ c }: { c: PutCtx }) {
  const w = c.work;
  if (!w) return c.done ? <p data-testid="putaway-done">{c.done}</p> : null;
  const name = w.sku ? (w.sku.nameI18n[locale.get()] ?? w.sku.name) : '';
  return (
    <div class="line-head">
      <span class="big mono" data-testid="proposed">
        {w.proposed ?? t('put.noProposal')}
      </span>
      <span>
        {w.lpn ? <b class="mono">{w.lpn}</b> : <b class="mono">{w.sku?.code}</b>} {name}
      </span>
      <span class="qty-line">{t('common.units', { n: w.task.qty })}</span>
    </div>
  );
}

/** A scan that names a place: its location reading, or the text (the server checks it is a location). */
const placeOf = (s: ScanIn) => (s.reading.location ?? s.code).trim();
const isStock = (s: ScanIn) => !!(s.reading.gtin || s.reading.sscc || s.reading.lpn);

function confirm(c: PutCtx, at: string, why?: string): Outcome<PutCtx> {
  const w = c.work!;
  const label = t('put.done', { what: w.lpn ?? w.sku?.code ?? '', at });
  // Queued with its Idempotency-Key: in a dead spot the putaway is sent when the network is back.
  void enqueue({
    method: 'POST',
    path: `/putaway/tasks/${w.task.id}/confirm`,
    body: { locationScan: at, ...(why ? { reason: why } : {}) },
    label,
    group: w.task.id,
    userId: me(),
  });
  return { verdict: 'right', message: label, next: 'stock', ctx: { work: undefined, other: undefined, done: label } };
}

async function claimFor(c: PutCtx, s: ScanIn): Promise<Outcome<PutCtx>> {
  try {
    const work = await api<PutawayWork>('POST', '/putaway/claim', { warehouseId: c.warehouseId, scan: s.raw, deviceId: device.get()?.id });
    return { verdict: 'right', next: 'location', ctx: { work, other: undefined, done: undefined } };
  } catch (e) {
    return { verdict: 'wrong', message: reason(e) };
  }
}

/** Put away what was received: scan the pallet or item, go to the proposed location, scan it. */
export const putawayFlow: FlowDef<PutCtx> = {
  id: 'putaway',
  start: 'stock',
  persist: true,
  initial: () => ({ warehouseId: '' }),
  steps: {
    stock: {
      prompt: () => t('put.scanStock'),
      info: (c) => <What c={c} />,
      scan: (s, c) => claimFor(c, s),
    },
    location: {
      prompt: (c) => (c.work?.proposed ? t('put.scanLocation', { code: c.work.proposed }) : t('put.scanAny')),
      info: (c) => <What c={c} />,
      scan: (s, c) => {
        if (isStock(s)) return { verdict: 'wrong', message: t('put.notALocation') };
        const at = placeOf(s);
        if (c.work?.proposed && at === c.work.proposed) return confirm(c, at);
        // Somewhere else: allowed with a reason (audited); the server still refuses a place that breaks a rule.
        return { verdict: 'action', message: t('put.otherNeedsReason', { code: at }), next: 'reason', ctx: { other: at } };
      },
    },
    reason: {
      prompt: (c) => t('put.why', { code: c.other ?? '' }),
      info: (c) => <What c={c} />,
      body: (c, f: FlowApi<PutCtx>) => (
        <ReasonChoices
          reasons={REASONS}
          label={(r) => t(`put.reason.${r}`)}
          testId={(r) => `put-reason-${r}`}
          onChoose={(r) => {
            const o = confirm(f.ctx, c.other!, AUDIT_REASON[r]);
            f.say('right', o.verdict === 'right' ? (o.message ?? '') : '');
            f.go('stock', o.verdict === 'right' ? o.ctx : {});
          }}
          onBack={() => f.go('location', { other: undefined })}
        />
      ),
    },
  },
};

export default function PutawayScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={putawayFlow} title={t('flow.putaway')} seed={{ warehouseId }} />;
}
