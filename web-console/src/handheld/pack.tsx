import { api, NetworkError } from '../api';
import { fmtWeight, t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, QtyPicker, type FlowApi, type FlowDef, type Outcome, type ScanIn } from '../flows/framework';
import { findSku, loadSkus, skuName, skuOf } from '../flows/skus';
import { me, reason } from '../flows/tasks';
import type { PackSessionView } from '../../../domain/packing/pack.schemas';
import { newKey } from '../api';
import { labelStep, type LabelView } from './label';

interface PackCtx {
  warehouseId: string;
  station?: string;
  session?: PackSessionView;
  carton: number;
  weights: number[];
  weight: number;
  busy?: boolean;
  labels?: LabelView[];
  labelKeys?: Record<string, string>;
  labelError?: string;
}
const STATION_KEY = 'dockside.packStation';
const cartons = (c: PackCtx) => c.session?.proposal?.cartons ?? [];

function Items({ c }: { c: PackCtx }) {
  return (
    <ul class="items" data-testid="pack-items">
      {c.session?.items.map((i) => (
        <li key={i.skuId} class={i.qtyVerified >= i.qtyExpected ? 'done' : ''}>
          <span>
            <b class="mono">{i.skuCode}</b> {skuName(skuOf(i.skuId))}
          </span>
          <span>
            {i.qtyVerified}/{i.qtyExpected}
          </span>
        </li>
      ))}
    </ul>
  );
}

async function pack(c: PackCtx, f: FlowApi<PackCtx>, weightsG: number[]): Promise<void> {
  const path = `/pack-sessions/${c.session!.id}/pack`;
  const key = newKey();
  f.patch({ busy: true });
  try {
    const session = await api<PackSessionView>('POST', path, { weightsG }, { key });
    f.go('done', { session, busy: false });
  } catch (e) {
    if (e instanceof NetworkError) {
      await enqueue({ method: 'POST', path, body: { weightsG }, label: t('flow.pack'), userId: me() });
      f.say('action', t('offline.queued'));
      return f.go('done', { busy: false });
    }
    // A weight outside tolerance (or any refusal): the server's reason, and the packer weighs again.
    f.say('wrong', reason(e));
    f.go('carton', { carton: 0, weights: [], busy: false });
  }
}

/** A tote opens the pack session of its order (also straight from the label screen: the next tote). */
async function toteScan(s: ScanIn, c: PackCtx): Promise<Outcome<PackCtx>> {
  try {
    const session = await api<PackSessionView>('POST', `/warehouses/${c.warehouseId}/pack-sessions`, {
      stationCode: c.station,
      toteScan: s.raw,
    });
    await loadSkus(session.items.map((i) => i.skuId));
    return {
      verdict: 'right',
      next: session.status === 'verifying' ? 'verify' : 'carton',
      ctx: { session, carton: 0, weights: [], labels: undefined, labelKeys: undefined, labelError: undefined },
    };
  } catch (e) {
    return { verdict: 'wrong', message: reason(e) };
  }
}

export const packFlow: FlowDef<PackCtx> = {
  id: 'pack',
  start: 'station',
  persist: true,
  initial: () => ({ warehouseId: '', carton: 0, weights: [], weight: 0 }),
  steps: {
    station: {
      prompt: () => t('pack.station'),
      enter: (_c, f) => {
        const saved = localStorage.getItem(STATION_KEY);
        if (saved) f.go('tote', { station: saved });
      },
      scan: (s) => {
        localStorage.setItem(STATION_KEY, s.code);
        return { verdict: 'right', next: 'tote', ctx: { station: s.code } };
      },
    },
    tote: {
      prompt: () => t('pack.scanTote'),
      info: (c) => <p class="muted">{`${t('pack.station')}: ${c.station ?? ''}`}</p>,
      scan: (s, c) => toteScan(s, c),
    },
    verify: {
      prompt: () => t('pack.verify'),
      info: (c) => (
        <>
          <p>
            {t('pack.verified', {
              done: c.session!.items.reduce((n, i) => n + i.qtyVerified, 0),
              total: c.session!.items.reduce((n, i) => n + i.qtyExpected, 0),
            })}
          </p>
          <Items c={c} />
        </>
      ),
      scan: (s, c) => {
        const items = c.session!.items;
        const sku = findSku(
          s.reading,
          s.raw,
          items.map((i) => i.skuId),
        );
        if (!sku) return { verdict: 'wrong', message: t('pack.notInOrder') };
        const item = items.find((i) => i.skuId === sku.id)!;
        if (item.qtyVerified >= item.qtyExpected) return { verdict: 'wrong', message: t('pack.tooMany', { sku: sku.code }) };
        void enqueue({
          method: 'POST',
          path: `/pack-sessions/${c.session!.id}/verify`,
          body: { itemScan: s.raw, qty: 1 },
          label: `${t('pack.verify')}: ${sku.code}`,
          group: c.session!.id,
          userId: me(),
        });
        const next = items.map((i) => (i.skuId === sku.id ? { ...i, qtyVerified: i.qtyVerified + 1 } : i));
        const all = next.every((i) => i.qtyVerified >= i.qtyExpected);
        const first = cartons(c)[0];
        return {
          verdict: 'right',
          next: all ? 'carton' : 'verify',
          ctx: { session: { ...c.session!, items: next }, carton: 0, weights: [], weight: first?.expectedWeightG ?? 0 },
        };
      },
    },
    carton: {
      prompt: (c) => t('pack.carton', { box: cartons(c)[c.carton]?.boxCode ?? '' }),
      info: (c) => {
        const box = cartons(c)[c.carton];
        return (
          box && (
            <p>{`${t('pack.cartonN', { i: c.carton + 1, n: cartons(c).length })} · ${t('pack.expectedWeight', { w: fmtWeight(box.expectedWeightG) })}`}</p>
          )
        );
      },
      body: (c, f) => (
        <div class="stack">
          <p class="muted">{t('pack.weight')}</p>
          <QtyPicker value={c.weight} min={0} onChange={(weight) => f.patch({ weight })} label={t('pack.weightG')} />
          <button
            type="button"
            class="primary huge"
            disabled={c.busy}
            data-testid="weight-ok"
            onClick={() => {
              const weights = [...c.weights, c.weight];
              const next = c.carton + 1;
              if (next < cartons(c).length) f.go('carton', { weights, carton: next, weight: cartons(c)[next]!.expectedWeightG });
              else void pack(f.ctx, f, weights);
            }}
          >
            {t('common.confirm')}
          </button>
          <ul class="items compact">
            {cartons(c)[c.carton]?.items.map((i) => (
              <li key={i.skuId}>
                <span>
                  <b class="mono">{i.skuCode}</b> {skuName(skuOf(i.skuId))}
                </span>
                <span>× {i.qty}</span>
              </li>
            ))}
          </ul>
        </div>
      ),
    },
    // The label: bought and printed after the weight; scanning the next tote moves on.
    done: { ...labelStep, scan: (s, c) => toteScan(s, c) },
  },
};

export default function PackScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={packFlow} title={t('flow.pack')} seed={{ warehouseId }} />;
}
