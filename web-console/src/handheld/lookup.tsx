import { fmtNumber, t } from '../i18n';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowDef } from '../flows/framework';
import { reason } from '../flows/tasks';
import { resolveScan, type Resolved } from './resolve';

interface LookupCtx {
  warehouseId: string;
  found?: Resolved['match'];
}

function Found({ m }: { m: Resolved['match'] }) {
  const title = m.sku ? `${m.sku.code} · ${m.sku.name}` : m.location ? m.location.code : m.lpn ? m.lpn.code : '';
  return (
    <div class="stack" data-testid="lookup-result">
      <p class="big mono">{title}</p>
      {m.totals && (
        <ul class="items">
          <li>
            <span>{t('lookup.onHand')}</span>
            <b>{fmtNumber(m.totals.onHand)}</b>
          </li>
          <li>
            <span>{t('lookup.reserved')}</span>
            <b>{fmtNumber(m.totals.reserved)}</b>
          </li>
          <li>
            <span>{t('lookup.available')}</span>
            <b>{fmtNumber(m.totals.available)}</b>
          </li>
        </ul>
      )}
      {m.stock.length > 0 && (
        <ul class="items">
          {m.stock.slice(0, 20).map((b, i) => (
            <li key={i}>
              <span class="mono">{[b.locationCode, b.skuCode, b.lot].filter(Boolean).join(' · ')}</span>
              <b>{fmtNumber(b.onHand)}</b>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Scan anything: an item (where is it, how many), a location (what is in it), a plate (what it holds). */
export const lookupFlow: FlowDef<LookupCtx> = {
  id: 'lookup',
  start: 'scan',
  initial: () => ({ warehouseId: '' }),
  steps: {
    scan: {
      prompt: () => t('lookup.scan'),
      info: (c) => (c.found ? <Found m={c.found} /> : null),
      scan: async (s, c) => {
        try {
          const r = await resolveScan(c.warehouseId, s.raw);
          if (r.match.kind === 'none') return { verdict: 'action', message: t('lookup.unknown'), ctx: { found: undefined } };
          return { verdict: 'right', ctx: { found: r.match } };
        } catch (e) {
          return { verdict: 'wrong', message: reason(e) };
        }
      },
    },
  },
};

export default function LookupScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={lookupFlow} title={t('flow.lookup')} seed={{ warehouseId }} />;
}
